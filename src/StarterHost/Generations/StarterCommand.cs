using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>An effect the machine asks for; <see cref="Supervision.Supervisor"/> carries it out.</summary>
internal abstract record StarterCommand;

/// <summary>Spawn the worker of this generation for this slot; answered by WorkerSpawned or SpawnFailed.</summary>
internal sealed record SpawnWorker(int Generation, int Slot = 0) : StarterCommand;

/// <summary>
/// Deliver <paramref name="Event"/> after <paramref name="Delay"/>. Sleeps are timers, never blocking. A timer is known
/// by its event (records compare by value): starting one equal to a timer still armed re-arms that timer.
/// </summary>
internal sealed record StartTimer(StarterEvent Event, TimeSpan Delay) : StarterCommand;

/// <summary>Disarm the timer of <paramref name="Event"/>, if it is armed: what it was waiting for is over.</summary>
internal sealed record CancelTimer(StarterEvent Event) : StarterCommand;

/// <summary>
/// The machine no longer knows <paramref name="Pid"/>: the worker was reaped (or replaced and reaped), and nothing is
/// left of its process group to wait for. A timer about it (<see cref="IAboutWorkers"/>) is disarmed once every
/// worker it is about is forgotten, so that no deadline of a worker long gone stays armed.
/// </summary>
internal sealed record ForgetWorker(int Pid) : StarterCommand;

/// <summary>Open <c>--log-file</c> again by its name (SIGUSR1, logrotate's postrotate).</summary>
internal sealed record ReopenLog : StarterCommand;

/// <summary>kill(2) each pid, or with <paramref name="Group"/> the process group each pid leads.</summary>
internal sealed record SignalWorkers(ImmutableArray<int> Pids, int Signal, bool Group = false) : StarterCommand;

/// <summary>Ask whether these process groups still have members; answered by a GroupGone for each empty one.</summary>
internal sealed record ProbeGroups(ImmutableArray<int> Pgids) : StarterCommand;

/// <summary>Read these workers' resident memory; answered by a MemoryMeasured for each one still there.</summary>
internal sealed record MeasureMemory(ImmutableArray<int> Pids) : StarterCommand;

/// <summary>Write the status files; answered by StatusWritten or StatusWriteFailed.</summary>
internal sealed record WriteStatus(StatusDocument Document) : StarterCommand;

internal sealed record Say(Notice Notice) : StarterCommand;

internal sealed record Exit(int Code) : StarterCommand;

// What the service manager is told (sd_notify); Systemd/ServiceNotifier turns these into datagrams,
// and they cost nothing when StarterHost does not run under a service manager.

/// <summary>A generation was accepted: the service is ready (READY=1), for the first time or again after a reload.</summary>
internal sealed record ReportReady(int Generation) : StarterCommand;

/// <summary>
/// No generation has served yet and an attempt failed: the reason, for whoever waits for the first <see cref="ReportReady"/>.
/// <paramref name="GivenUp"/>: no more attempts follow; StarterHost exits.
/// </summary>
internal sealed record ReportStartFailure(Failure Failure, bool GivenUp = false) : StarterCommand;

/// <summary>A requested restart began (RELOADING=1); a <see cref="ReportReady"/> or <see cref="ReportReloadFailed"/> ends it.</summary>
internal sealed record ReportReloading : StarterCommand;

/// <summary>
/// The generation a requested restart started failed to: READY=1 all the same, which ends the RELOADING=1
/// (sd_notify(3) requires it whether or not the reload worked; until then systemd holds the unit in
/// "reloading" and <c>systemctl reload</c> waits). The old generation serves on; STATUS= says why.
/// </summary>
internal sealed record ReportReloadFailed(int Generation) : StarterCommand;

/// <summary>Shutdown began (STOPPING=1).</summary>
internal sealed record ReportStopping : StarterCommand;

/// <summary>The one-line state an operator reads in <c>systemctl status</c> (STATUS=), worded by Systemd/ServiceStatusText.</summary>
internal sealed record ReportStatus(ServiceStatus Status) : StarterCommand;

/// <summary>Workers are still draining: ask the service manager to wait this much longer (EXTEND_TIMEOUT_USEC=).</summary>
internal sealed record ExtendStopTimeout(TimeSpan By) : StarterCommand;

/// <summary>The loop is alive (WATCHDOG=1).</summary>
internal sealed record PetWatchdog : StarterCommand;
