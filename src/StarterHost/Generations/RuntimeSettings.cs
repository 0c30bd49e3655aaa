namespace StarterHost.Generations;

/// <summary>How a new generation proves it has started.</summary>
public enum ReadinessMode
{
    /// <summary>Server::Starter: by living <see cref="RuntimeSettings.Interval"/>.</summary>
    Interval,

    /// <summary>By sending READY=1 (sd_notify) to the NOTIFY_SOCKET it was given.</summary>
    Notify,
}

/// <summary>How a pool of workers hands over to the next generation.</summary>
public enum HandoverMode
{
    /// <summary>The whole new generation starts, then the whole old one is signalled.</summary>
    All,

    /// <summary>einhorn's smooth upgrade: each new worker that has started retires the old worker of its slot.</summary>
    Rolling,
}

/// <summary>
/// The settings the machine decides with. Those an envdir may change (auto-restart, kill-old-delay)
/// are read again before every spawn and arrive with <see cref="WorkerSpawned"/>.
/// </summary>
/// <param name="DrainTimeout">
/// How long a signalled worker may take to exit before its process group gets SIGKILL; zero waits for ever.
/// Under a service manager it also bounds how long a stop asks for more time.
/// </param>
/// <param name="StartTimeout">In notify mode, how long a new worker may take to send READY=1.</param>
/// <param name="BackoffMax">The longest wait between two attempts after consecutive failed starts.</param>
/// <param name="MaxStartFailures">Consecutive failed starts after which a restart is abandoned while an old generation serves; 0 never gives up.</param>
/// <param name="SignalGroup">Retirement signals go to the worker's whole process group, not only to the worker.</param>
/// <param name="Workers">Processes per generation, one per slot (0 to N-1).</param>
/// <param name="MaxWorkerLifetime">A serving worker is replaced after this long (±10 %); zero never.</param>
/// <param name="MaxWorkerRss">A serving worker whose resident memory passes this many MiB is replaced; zero never.</param>
/// <param name="CheckBeforeRestart">A requested restart runs the check command first, and a failed check refuses it.</param>
/// <param name="CheckTimeout">How long the check command may run before it is killed and the restart refused.</param>
/// <param name="WorkerWatchdog">A started worker that sends no WATCHDOG=1 for this long is replaced as hung; zero never.</param>
/// <param name="WatchdogSignal">What a hung worker is sent once its replacement is on its way.</param>
/// <param name="DetailedStatus">--status-json: the status document also holds every live worker, its state and the counters.</param>
internal sealed record RuntimeSettings(
    TimeSpan Interval,
    int SignalOnHup,
    int SignalOnTerm,
    TimeSpan KillOldDelay,
    bool AutoRestart,
    TimeSpan AutoRestartInterval,
    TimeSpan DrainTimeout = default,
    ReadinessMode Readiness = ReadinessMode.Interval,
    TimeSpan StartTimeout = default,
    TimeSpan BackoffMax = default,
    int MaxStartFailures = 0,
    bool SignalGroup = false,
    int Workers = 1,
    HandoverMode Handover = HandoverMode.All,
    TimeSpan MaxWorkerLifetime = default,
    int MaxWorkerRss = 0,
    bool CheckBeforeRestart = false,
    TimeSpan CheckTimeout = default,
    bool DetailedStatus = false,
    TimeSpan WorkerWatchdog = default,
    int WatchdogSignal = Signals.SignalNames.Abrt);
