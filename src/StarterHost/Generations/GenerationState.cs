using System.Collections.Immutable;
using StarterHost.Workers;

namespace StarterHost.Generations;

internal enum Phase
{
    Running,
    Stopping,
}

/// <summary>Why a generation is being started: this decides what happens to the old ones once it has.</summary>
internal enum SpawnReason
{
    Initial,
    Restart,
    Crash,
}

/// <summary>Where an old worker is on its way out.</summary>
internal enum Retirement
{
    /// <summary>Replaced, but its successor has not started yet: it keeps serving.</summary>
    Waiting,

    /// <summary>Its successor started; the kill-old-delay is running.</summary>
    Scheduled,

    /// <summary>Sent the signal-on-hup; draining.</summary>
    Signalled,
}

internal sealed record Worker(int Generation, int Pid);

/// <summary>The generation being started. Pid is 0 until spawned; Failed once it died or could not be spawned.</summary>
internal sealed record PendingWorker(int Generation, int Pid, SpawnReason Reason, bool Failed = false);

internal sealed record OldWorker(Worker Worker, Retirement Retirement);

/// <summary>
/// Everything the superdaemon knows. <see cref="LastFailure"/> is the last start or crash an operator
/// should hear about; <see cref="ReportedStatus"/> the last STATUS= text given to the service manager. Invariant, as in tableflip: at most one generation is starting
/// (<see cref="Pending"/>); <see cref="Current"/> is the last one that started and has not died.
/// </summary>
internal sealed record GenerationState(
    RuntimeSettings Settings,
    Phase Phase,
    int LastGeneration,
    Worker? Current,
    PendingWorker? Pending,
    ImmutableList<OldWorker> Old,
    bool RestartQueued,
    int StartedCount,
    bool AutoRestartOverdue,
    ImmutableArray<Worker> WrittenStatus,
    string? LastFailure = null,
    string? ReportedStatus = null)
{
    public static GenerationState Initial(RuntimeSettings settings) =>
        new(settings, Phase.Running, 0, null, null, [], false, 0, false, []);

    /// <summary>What the status file should say: the current worker and every old one still alive.</summary>
    public ImmutableArray<Worker> StatusEntries =>
        [.. (Current is null ? Old.Select(o => o.Worker) : Old.Select(o => o.Worker).Prepend(Current))
            .OrderBy(w => w.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ThenBy(w => w.Pid)];

    /// <summary>Every live worker process, oldest generation first.</summary>
    public ImmutableArray<int> LivePids =>
        [.. Old.Select(o => o.Worker.Pid)
            .Concat(Current is null ? [] : [Current.Pid])
            .Concat(Pending is { Pid: > 0, Failed: false } p ? [p.Pid] : [])];
}
