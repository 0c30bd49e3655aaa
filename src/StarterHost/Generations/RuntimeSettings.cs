namespace StarterHost.Generations;

/// <summary>
/// The settings the machine decides with. Those an envdir may change (auto-restart, kill-old-delay)
/// are read again before every spawn and arrive with <see cref="WorkerSpawned"/>.
/// </summary>
/// <param name="DrainTimeout">How long a stop may keep asking the service manager to wait for draining workers.</param>
internal sealed record RuntimeSettings(
    TimeSpan Interval,
    int SignalOnHup,
    int SignalOnTerm,
    TimeSpan KillOldDelay,
    bool AutoRestart,
    TimeSpan AutoRestartInterval,
    TimeSpan DrainTimeout = default);
