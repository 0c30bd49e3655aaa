using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace StarterHost.Generations;

/// <summary>
/// Everything the superdaemon knows, by concern: the generations (<see cref="Roster"/>), what went wrong and
/// when to try again (<see cref="Failures"/>), the counts <c>--status-json</c> reports (<see cref="Counters"/>),
/// what the status files and the service manager are told (<see cref="Publication"/>), the check command's run
/// (<see cref="Check"/>) and, once stopping, the stop (<see cref="Stop"/>). Each handler reads and writes the
/// concern it owns. Plain data, compared by value: no delegates, no handles, no commands, so that the whole of
/// it can cross an exec (<see cref="StateSnapshot"/>).
/// </summary>
internal sealed record GenerationState
{
    /// <summary>The settings the machine decides with: some change at run time (an envdir), and they carry across an exec.</summary>
    public required RuntimeSettings Settings { get; init; }

    public Roster Roster { get; init; } = new();

    public FailureHistory Failures { get; init; } = new();

    public Counters Counters { get; init; } = new();

    public Publication Publication { get; init; } = new();

    /// <summary>The check command's run before a restart (<c>--check-command</c>): the current one, or the last.</summary>
    public CheckRun? Check { get; init; }

    /// <summary>
    /// The workers per generation TTIN and TTOU set, null until one came (then <c>--workers</c> holds). Kept apart
    /// from <see cref="Settings"/>, which an envdir read replaces, so that it survives a HUP, recycling and an exec.
    /// </summary>
    public int? Workers { get; init; }

    /// <summary>An upgrade of StarterHost itself under way (SIGUSR2), or null.</summary>
    public UpgradeRun? Upgrade { get; init; }

    /// <summary>Null while running; once TERM or INT came (or a first start was given up), the stop under way.</summary>
    public StopRun? Stop { get; init; }

    public static GenerationState Initial(RuntimeSettings settings) => new() { Settings = settings };

    [JsonIgnore]
    public bool Stopping => Stop is not null;

    /// <summary>The workers per generation now: what TTIN and TTOU made of <c>--workers</c>.</summary>
    [JsonIgnore]
    public int WorkerCount => Workers ?? Settings.Workers;

    /// <summary>What the status files should say; with --status-json, every live worker and the counters too.</summary>
    [JsonIgnore]
    public StatusDocument StatusDocument => new(Roster.StatusEntries, Failures.RestartFailure, Settings.DetailedStatus ? StatusDetail.Of(this) : null);
}

/// <summary>
/// A stop under way: the signal the workers were sent (what a leftover group gets too), what StarterHost exits
/// with once nothing is left (0, or 1 when a first start was given up), and whether the drain deadline has passed
/// (then every worker still alive was sent SIGKILL).
/// </summary>
internal sealed record StopRun(int Signal, int ExitCode = 0, bool DeadlinePassed = false);

/// <summary>
/// What the status file (gen:pid lines) and its failure companion say, and with --status-json the
/// <paramref name="Detail"/> (null without it: then nothing more is written, and no more often).
/// </summary>
internal sealed record StatusDocument(ImmutableArray<Worker> Workers, RestartFailure? Failure, StatusDetail? Detail = null)
{
    public static readonly StatusDocument Empty = new([], null);

    // ImmutableArray compares by reference; two documents are equal when they read the same.
    public bool Equals(StatusDocument? other) =>
        other is not null && Workers.SequenceEqual(other.Workers) && Equals(Failure, other.Failure) && Equals(Detail, other.Detail);

    /// <summary>The status file and its failure companion say the same for both.</summary>
    public bool SameFilesAs(StatusDocument other) => Workers.SequenceEqual(other.Workers) && Equals(Failure, other.Failure);

    public override int GetHashCode() => Workers.Length;
}
