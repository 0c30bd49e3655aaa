namespace StarterHost.Generations;

/// <summary>How a new generation proves it has started.</summary>
public enum ReadinessMode
{
    /// <summary>Server::Starter: by living <see cref="RuntimeSettings.Interval"/>.</summary>
    Interval,

    /// <summary>By sending READY=1 (sd_notify) to the NOTIFY_SOCKET it was given.</summary>
    Notify,
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
/// <param name="CheckBeforeRestart">A requested restart runs the check command first, and a failed check refuses it.</param>
/// <param name="CheckTimeout">How long the check command may run before it is killed and the restart refused.</param>
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
    bool CheckBeforeRestart = false,
    TimeSpan CheckTimeout = default);
