using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// What the status files and the service manager are told, and what waits until they are: the machine asks
/// for a status write when what the files should say changes, for STATUS= when what it says does, and holds READY=1
/// and RELOADING=1 until the files show what they announce (GenerationMachine.Publish).
/// </summary>
internal sealed record Publication
{
    /// <summary>What the status files are known to say.</summary>
    public StatusDocument WrittenStatus { get; init; } = StatusDocument.Empty;

    /// <summary>The last write asked for; null to ask again.</summary>
    public StatusDocument? RequestedStatus { get; init; } = StatusDocument.Empty;

    /// <summary>Why the status file could not be written, while it cannot.</summary>
    public string? StatusProblem { get; init; }

    /// <summary>
    /// RELOADING=1 was told (or is held) for the requested restart under way, and the READY=1 that must end it
    /// (sd_notify(3): whether or not the reload worked) has not been: it goes out when the new generation is
    /// accepted or its start fails.
    /// </summary>
    public bool ReloadAnnounced { get; init; }

    /// <summary>READY=1 and RELOADING=1 wait here, in order, until the status file shows what they announce.</summary>
    public ImmutableList<HeldReport> HeldReports { get; init; } = [];

    /// <summary>What the last STATUS= given to the service manager said.</summary>
    public ServiceStatus? ReportedStatus { get; init; }

    /// <summary>What the workers last said in their own STATUS= (notify readiness), by pid.</summary>
    public ImmutableDictionary<int, string> WorkerStatus { get; init; } = ImmutableDictionary<int, string>.Empty;

    // The collections compare by reference; two publications are equal when they hold the same.
    public bool Equals(Publication? other) =>
        other is not null && WrittenStatus.Equals(other.WrittenStatus) && Equals(RequestedStatus, other.RequestedStatus)
        && StatusProblem == other.StatusProblem && ReloadAnnounced == other.ReloadAnnounced && HeldReports.SequenceEqual(other.HeldReports)
        && Equals(ReportedStatus, other.ReportedStatus)
        && WorkerStatus.Count == other.WorkerStatus.Count && WorkerStatus.All(s => other.WorkerStatus.TryGetValue(s.Key, out var said) && said == s.Value);

    public override int GetHashCode() => HashCode.Combine(HeldReports.Count, WorkerStatus.Count, ReportedStatus);
}

/// <summary>What the service manager is told once the status file shows it.</summary>
internal enum ServiceReport
{
    /// <summary>READY=1: <see cref="HeldReport.Generation"/> was accepted.</summary>
    Ready,

    /// <summary>RELOADING=1: a requested restart began.</summary>
    Reloading,

    /// <summary>READY=1 that ends a RELOADING=1 whose generation failed to start.</summary>
    ReloadFailed,
}

/// <summary>A report held back until the status file shows what it announces.</summary>
internal sealed record HeldReport(ServiceReport Report, int Generation = 0)
{
    public StarterCommand ToCommand() => Report switch
    {
        ServiceReport.Ready => new ReportReady(Generation),
        ServiceReport.Reloading => new ReportReloading(),
        _ => new ReportReloadFailed(Generation),
    };
}
