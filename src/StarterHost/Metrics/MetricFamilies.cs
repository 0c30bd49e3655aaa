namespace StarterHost.Metrics;

/// <summary>
/// Every metric StarterHost exposes, in the order a scrape lists them: the one place their names, help texts and units
/// are written. Labels are bounded by the configuration: states and reasons are fixed sets, listeners and slots are
/// what was configured; no pid is ever a label.
/// </summary>
internal static class MetricFamilies
{
    public static readonly MetricFamily BuildInfo = new("starterhost_build_info", MetricType.Gauge,
        "A constant 1, labelled with the version of StarterHost that runs.");

    public static readonly MetricFamily Generation = new("starterhost_generation", MetricType.Gauge,
        "The newest generation that has started and still serves (SERVER_STARTER_GENERATION); 0 before the first.", "starterhost.generation", "{generation}");

    public static readonly MetricFamily Workers = new("starterhost_workers", MetricType.Gauge,
        "Live worker processes by state: starting, serving, draining, or leftover (process groups whose leader exited).",
        "starterhost.workers", "{worker}");

    public static readonly MetricFamily WorkersConfigured = new("starterhost_workers_configured", MetricType.Gauge,
        "Workers per generation (--workers).", "starterhost.workers.configured", "{worker}");

    public static readonly MetricFamily Restarts = new("starterhost_restarts_total", MetricType.Counter,
        "Restarts begun, by HUP or auto-restart.", "starterhost.restarts", "{restart}");

    public static readonly MetricFamily FailedStarts = new("starterhost_failed_starts_total", MetricType.Counter,
        "Workers that failed to start: spawn failures, exits before --interval, start timeouts.", "starterhost.failed_starts", "{start}");

    public static readonly MetricFamily WorkerExits = new("starterhost_worker_exits_total", MetricType.Counter,
        "Worker exits by reason: exited, crashed, killed_at_deadline, recycled, watchdog.", "starterhost.worker.exits", "{exit}");

    public static readonly MetricFamily Handover = new("starterhost_handover_seconds", MetricType.Histogram,
        "Time from a restart's start (a HUP, after its check if any, or an auto-restart) until a newer generation alone serves.", "starterhost.handover.duration", "s");

    public static readonly MetricFamily Drain = new("starterhost_drain_seconds", MetricType.Histogram,
        "Time from signalling an old worker until it exits.", "starterhost.drain.duration", "s");

    public static readonly MetricFamily ListenQueueLength = new("starterhost_listen_queue_length", MetricType.Gauge,
        "Connections waiting in the listener's accept queue, read from the kernel at scrape time.",
        "starterhost.listen.queue.length", "{connection}");

    public static readonly MetricFamily ListenBacklog = new("starterhost_listen_backlog", MetricType.Gauge,
        "How many connections the listener's accept queue may hold (listen's backlog, capped by net.core.somaxconn).",
        "starterhost.listen.backlog", "{connection}");

    public static readonly MetricFamily WorkerResidentBytes = new("starterhost_worker_resident_bytes", MetricType.Gauge,
        "Resident memory of each slot's serving worker (VmRSS).", "starterhost.worker.resident_memory", "By");

    public static readonly MetricFamily Upgrades = new("starterhost_upgrades_total", MetricType.Counter,
        "Upgrades of StarterHost in place.", "starterhost.upgrades", "{upgrade}");

    // Prometheus's conventional process metrics, as its client libraries name them.
    public static readonly MetricFamily ProcessCpu = new("process_cpu_seconds_total", MetricType.Counter,
        "Total user and system CPU time spent in seconds.");

    public static readonly MetricFamily ProcessResidentMemory = new("process_resident_memory_bytes", MetricType.Gauge,
        "Resident memory size in bytes.");

    public static readonly MetricFamily ProcessOpenFds = new("process_open_fds", MetricType.Gauge,
        "Number of open file descriptors.");

    public static readonly MetricFamily ProcessMaxFds = new("process_max_fds", MetricType.Gauge,
        "Maximum number of open file descriptors.");

    public static readonly MetricFamily ProcessStartTime = new("process_start_time_seconds", MetricType.Gauge,
        "Start time of the process since unix epoch in seconds.");

    public static IReadOnlyList<MetricFamily> All { get; } =
    [
        BuildInfo, Generation, Workers, WorkersConfigured, Restarts, FailedStarts, WorkerExits, Handover, Drain,
        ListenQueueLength, ListenBacklog, WorkerResidentBytes, Upgrades,
        ProcessCpu, ProcessResidentMemory, ProcessOpenFds, ProcessMaxFds, ProcessStartTime,
    ];

    /// <summary>
    /// Handovers last --interval (1 s by default) or until READY=1, plus --kill-old-delay: mostly between half a
    /// second and a minute; the top buckets show one stuck behind a slow start.
    /// </summary>
    public static IReadOnlyList<double> HandoverBuckets { get; } = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    /// <summary>A drain lasts as long as the old worker's longest request, up to --drain-timeout.</summary>
    public static IReadOnlyList<double> DrainBuckets { get; } = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
}
