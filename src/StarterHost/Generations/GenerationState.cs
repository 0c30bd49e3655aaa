using System.Collections.Immutable;

namespace StarterHost.Generations;

internal enum Phase
{
    Running,
    Stopping,
}

/// <summary>
/// Everything the superdaemon knows. Invariant, as in tableflip: at most one generation is starting
/// (<see cref="Pending"/>); <see cref="Current"/> is the last one that started and has not died. Each
/// has one worker per slot; a slot of the current one may have a replacement starting.
/// </summary>
internal sealed record GenerationState
{
    public required RuntimeSettings Settings { get; init; }
    public Phase Phase { get; init; }
    public int LastGeneration { get; init; }
    public ServingGeneration? Current { get; init; }
    public PendingGeneration? Pending { get; init; }
    public ImmutableList<OldWorker> Old { get; init; } = [];
    public ImmutableList<LeftoverGroup> Leftovers { get; init; } = [];
    public bool RestartQueued { get; init; }

    /// <summary>The check command's run before a restart (<c>--check-command</c>): the current one, or the last.</summary>
    public CheckRun? Check { get; init; }

    /// <summary>While stopping, the signal the workers were sent (what a leftover group gets too).</summary>
    public int StopSignal { get; init; } = Signals.SignalNames.Term;
    public int StartedCount { get; init; }
    public bool AutoRestartOverdue { get; init; }

    /// <summary>
    /// Failed starts, and deaths of a generation that had not served a second yet, since a generation last
    /// did (or since the last abandoned restart): what the backoff grows with.
    /// </summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>What went wrong in the last failed start, without a pid: a repeat of it is not logged in full again.</summary>
    public FailureKind? LastFailureKind { get; init; }

    /// <summary>How many failed starts in a row went wrong the same way.</summary>
    public int FailureRepeats { get; init; }

    /// <summary>When a failed start is retried, how long after the failure (for STATUS=).</summary>
    public TimeSpan? NextAttemptIn { get; init; }

    /// <summary>State of the pseudo-random jitter: the machine stays a pure function of its events.</summary>
    public uint JitterSeed { get; init; } = 1;

    /// <summary>The last start or crash an operator should hear about.</summary>
    public Failure? LastFailure { get; init; }

    /// <summary>Restarts begun since StarterHost started (for --status-json).</summary>
    public int RestartCount { get; init; }

    /// <summary>Failed starts, crashes and refused checks since StarterHost started (for --status-json).</summary>
    public int FailureCount { get; init; }

    /// <summary>What StarterHost exits with once stopped: 0, or 1 when it gave a first start up (see GenerationMachine.GiveUp).</summary>
    public int ExitCode { get; init; }

    /// <summary>
    /// At first start: a worker whose exec failed in a way no retry can fix, and why. Its exit, which follows,
    /// gives the start up.
    /// </summary>
    public (int Pid, string Reason)? PermanentExecFailure { get; init; }

    /// <summary>While stopping: the drain deadline has passed and every worker still alive was sent SIGKILL.</summary>
    public bool StopDeadlinePassed { get; init; }

    /// <summary>The failed start of a requested restart that a waiting --restart or --reload reports.</summary>
    public RestartFailure? RestartFailure { get; init; }

    /// <summary>What the workers last said in their own STATUS= (notify readiness), by pid.</summary>
    public ImmutableDictionary<int, string> WorkerStatus { get; init; } = ImmutableDictionary<int, string>.Empty;

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

    /// <summary>READY=1 and RELOADING=1 wait here until the status file shows what they announce.</summary>
    public ImmutableList<StarterCommand> HeldReports { get; init; } = [];

    /// <summary>The last STATUS= text given to the service manager.</summary>
    public string? ReportedStatus { get; init; }

    public static GenerationState Initial(RuntimeSettings settings) => new() { Settings = settings };

    /// <summary>The workers serving the current generation's slots.</summary>
    public ImmutableArray<Worker> CurrentWorkers => Current is null ? [] : [.. Current.Serving.Select(m => m.Worker)];

    /// <summary>What the status file should say: the current workers and every old one still alive that served.</summary>
    public ImmutableArray<Worker> StatusEntries =>
        [.. Old.Where(o => o.Served).Select(o => o.Worker).Concat(CurrentWorkers)
            .OrderBy(w => w.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ThenBy(w => w.Pid)];

    /// <summary>What the status files should say; with --status-json, every live worker and the counters too.</summary>
    public StatusDocument StatusDocument => new(StatusEntries, RestartFailure, Settings.DetailedStatus ? StatusDetail.Of(this) : null);

    /// <summary>Every live worker process, oldest generation first: old, current (and replacements), starting.</summary>
    public ImmutableArray<Worker> LiveWorkers =>
        [.. Old.Select(o => o.Worker)
            .Concat(CurrentWorkers)
            .Concat(Current is null ? [] : Current.Replacements.Where(m => m.Pid > 0).Select(m => m.Worker))
            .Concat(Pending is { Failed: false } p ? p.Members.Where(m => m.Pid > 0).Select(m => m.Worker) : [])];

    public ImmutableArray<int> LivePids => [.. LiveWorkers.Select(w => w.Pid)];

    /// <summary>
    /// A worker, or what one left of its process group, is still alive, or a spawn has not come back yet (its
    /// worker may be alive then): a stop waits for it.
    /// </summary>
    public bool AnythingAlive => LivePids.Length > 0 || !Leftovers.IsEmpty || SpawnsOutstanding;

    private bool SpawnsOutstanding =>
        (Pending is { Failed: false } p && p.Members.Any(m => m.Phase == MemberPhase.Spawning))
        || (Current?.Replacements.Any(m => m.Phase == MemberPhase.Spawning) ?? false);

    /// <summary>Old workers that still serve: replaced, but their successors have not started yet.</summary>
    public IEnumerable<OldWorker> OldStillServing => Old.Where(o => o.Retirement == Retirement.Waiting && o.Served);

    /// <summary>The generation of a live worker, or null when the pid is none of them.</summary>
    public int? GenerationOf(int pid) => LiveWorkers.FirstOrDefault(w => w.Pid == pid)?.Generation;

    /// <summary>A live member of the starting generation, or null.</summary>
    public Member? PendingMember(int pid) =>
        Pending is { Failed: false } p ? p.Members.FirstOrDefault(m => m.Pid == pid && pid > 0) : null;

    /// <summary>A replacement starting in a slot of the current generation, or null.</summary>
    public Member? Replacement(int pid) => Current?.Replacements.FirstOrDefault(m => m.Pid == pid && pid > 0);

    /// <summary>The worker serving a slot of the current generation, or null.</summary>
    public Member? ServingMember(int pid) => Current?.Serving.FirstOrDefault(m => m.Pid == pid);
}

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
