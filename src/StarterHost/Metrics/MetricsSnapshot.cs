namespace StarterHost.Metrics;

/// <summary>
/// What StarterHost says of itself at one moment, as plain numbers: what a scrape shows (with the process's own
/// <see cref="ProcessFacts"/>) and what the <c>StarterHost</c> meter reports. Built by whoever knows the numbers, on
/// demand: by the loop for a scrape, and on a listener's thread for the meter (see <see cref="StarterHostMeter"/>).
/// </summary>
/// <param name="Version">StarterHost's version (starterhost_build_info).</param>
/// <param name="Generation">The newest generation that has started and still serves; 0 before the first.</param>
/// <param name="WorkersConfigured">--workers.</param>
/// <param name="Restarts">Restarts begun, by HUP or auto-restart.</param>
/// <param name="FailedStarts">Workers that did not start: spawn failures, deaths before --interval, start timeouts.</param>
/// <param name="Upgrades">Upgrades of StarterHost in place that completed, carried across each exec in the state.</param>
/// <param name="Listeners">The accept queue of each listening stream socket the kernel reports on, in SERVER_STARTER_PORT's order.</param>
/// <param name="ResidentMemory">Each slot's serving worker's resident memory, by slot number; slots with none left out.</param>
internal sealed record MetricsSnapshot(
    string Version,
    int Generation,
    WorkerCounts Workers,
    int WorkersConfigured,
    long Restarts,
    long FailedStarts,
    WorkerExitCounts Exits,
    HistogramSnapshot Handover,
    HistogramSnapshot Drain,
    IReadOnlyList<ListenerQueue> Listeners,
    IReadOnlyList<SlotMemory> ResidentMemory,
    long Upgrades);

/// <summary>
/// Live worker processes by where they are (starterhost_workers{state}). Bounded labels: four states, always all four.
/// </summary>
/// <param name="Starting">Spawned, not yet started, or started in a generation not yet started whole.</param>
/// <param name="Serving">The current generation's, and an old one's not yet signalled.</param>
/// <param name="Draining">Signalled to go, including those killed at their deadline and not yet reaped.</param>
/// <param name="Leftover">Process groups still alive after their leader exited.</param>
internal sealed record WorkerCounts(int Starting, int Serving, int Draining, int Leftover)
{
    /// <summary>The state label's values, in the order of <see cref="Values"/>.</summary>
    public static IReadOnlyList<string> States { get; } = ["starting", "serving", "draining", "leftover"];

    public long[] Values => [Starting, Serving, Draining, Leftover];
}

/// <summary>Worker exits since StarterHost started, by why (starterhost_worker_exits_total{reason}).</summary>
/// <param name="Exited">Asked to go (a restart, a stop) and gone before its deadline, whatever its status.</param>
/// <param name="Crashed">Gone unasked while it was starting or serving, whatever its status (failed starts included).</param>
/// <param name="KilledAtDeadline">Killed because it was still alive at its drain deadline.</param>
/// <param name="Recycled">Replaced for --max-worker-lifetime or --max-worker-rss.</param>
/// <param name="Watchdog">Sent away by the worker watchdog (--worker-watchdog): silent, or it said WATCHDOG=trigger.</param>
internal sealed record WorkerExitCounts(long Exited, long Crashed, long KilledAtDeadline, long Recycled, long Watchdog)
{
    /// <summary>The reason label's values, in the order of <see cref="Values"/>.</summary>
    public static IReadOnlyList<string> Reasons { get; } = ["exited", "crashed", "killed_at_deadline", "recycled", "watchdog"];

    public long[] Values => [Exited, Crashed, KilledAtDeadline, Recycled, Watchdog];
}

/// <summary>A listener's accept queue, read at scrape time: connections waiting, and how many it may hold.</summary>
/// <param name="Listener">Its SERVER_STARTER_PORT key ("127.0.0.1:8080", "/run/app.sock"): bounded by the configuration.</param>
internal sealed record ListenerQueue(string Listener, long Length, long Backlog);

/// <summary>A slot's serving worker's resident memory. By slot, never by pid: pids would grow the series without bound.</summary>
internal sealed record SlotMemory(int Slot, long Bytes);
