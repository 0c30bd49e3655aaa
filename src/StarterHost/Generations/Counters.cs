namespace StarterHost.Generations;

/// <summary>Counts since StarterHost started, as <c>--status-json</c> and the metrics report them.</summary>
/// <param name="Starts">Generations accepted: the first start and every one after it. 0 while nothing has served.</param>
/// <param name="Restarts">Restarts begun: a HUP (after its check passed) or an auto-restart.</param>
/// <param name="Failures">Failed starts, crashes and refused checks.</param>
/// <param name="FailedStarts">Workers that did not start: not spawned, exited before they started, or missed --start-timeout.</param>
/// <param name="Exits">Worker exits by why they happened; null (none counted) in a state an older StarterHost wrote.</param>
/// <param name="Upgrades">Upgrades of StarterHost itself in place that completed (this image included).</param>
/// <param name="UpgradeAttempts">Upgrades asked for (SIGUSR2), the number a waiting --upgrade client follows.</param>
internal sealed record Counters(int Starts = 0, int Restarts = 0, int Failures = 0, int FailedStarts = 0, WorkerExits? Exits = null,
    int Upgrades = 0, int UpgradeAttempts = 0)
{
    // A parameter, not only an initialised property: the JSON reader builds the record through its constructor.
    public WorkerExits Exits { get; init; } = Exits ?? new();
}

/// <summary>Why a worker's process exited, as the machine saw it when it was reaped.</summary>
internal enum ExitReason
{
    /// <summary>Asked to go (a restart, a stop) and gone before its deadline, or gone by itself while old.</summary>
    Exited,

    /// <summary>Gone unasked while it was starting or serving.</summary>
    Crashed,

    /// <summary>Still alive at its drain or stop deadline: killed.</summary>
    KilledAtDeadline,

    /// <summary>Retired for --max-worker-lifetime or --max-worker-rss, and gone before its deadline.</summary>
    Recycled,

    /// <summary>Sent away by the worker watchdog (--worker-watchdog): silent, or it said WATCHDOG=trigger.</summary>
    Watchdog,
}

/// <summary>Worker exits since StarterHost started, one count per <see cref="ExitReason"/>.</summary>
internal sealed record WorkerExits(int Exited = 0, int Crashed = 0, int KilledAtDeadline = 0, int Recycled = 0, int Watchdog = 0)
{
    public WorkerExits Counted(ExitReason reason) => reason switch
    {
        ExitReason.Exited => this with { Exited = Exited + 1 },
        ExitReason.Crashed => this with { Crashed = Crashed + 1 },
        ExitReason.KilledAtDeadline => this with { KilledAtDeadline = KilledAtDeadline + 1 },
        ExitReason.Recycled => this with { Recycled = Recycled + 1 },
        _ => this with { Watchdog = Watchdog + 1 },
    };
}
