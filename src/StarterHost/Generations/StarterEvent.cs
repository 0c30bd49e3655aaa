using System.Collections.Immutable;
using System.Text.Json.Serialization;
using StarterHost.Workers;

namespace StarterHost.Generations;

/// <summary>
/// Something that happened: a signal, a child's exit, a timer, the result of a command. An event a timer
/// carries (<see cref="StartTimer"/>) is plain data listed here, so that an armed timer can cross an exec as
/// its event and due time (<see cref="StateSnapshot"/>); its name here must never change meaning.
/// </summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(StartupIntervalElapsed), "startup-interval-elapsed")]
[JsonDerivedType(typeof(StartTimeoutElapsed), "start-timeout-elapsed")]
[JsonDerivedType(typeof(RetryDue), "retry-due")]
[JsonDerivedType(typeof(GenerationStable), "generation-stable")]
[JsonDerivedType(typeof(SlotRetryDue), "slot-retry-due")]
[JsonDerivedType(typeof(WorkerStable), "worker-stable")]
[JsonDerivedType(typeof(LifetimeElapsed), "lifetime-elapsed")]
[JsonDerivedType(typeof(MemoryCheckDue), "memory-check-due")]
[JsonDerivedType(typeof(KillOldDelayElapsed), "kill-old-delay-elapsed")]
[JsonDerivedType(typeof(DrainDeadlineDue), "drain-deadline-due")]
[JsonDerivedType(typeof(StopDeadlineDue), "stop-deadline-due")]
[JsonDerivedType(typeof(AutoRestartDue), "auto-restart-due")]
[JsonDerivedType(typeof(WatchdogDue), "watchdog-due")]
[JsonDerivedType(typeof(StopProgressDue), "stop-progress-due")]
[JsonDerivedType(typeof(StatusRetryDue), "status-retry-due")]
[JsonDerivedType(typeof(CheckTimeoutDue), "check-timeout-due")]
[JsonDerivedType(typeof(WorkerSilent), "worker-silent")]
[JsonDerivedType(typeof(UpgradeCheckTimeoutDue), "upgrade-check-timeout-due")]
internal abstract record StarterEvent;

/// <summary>
/// A timer's event about particular workers (pids, or the process groups they lead): once the machine has
/// forgotten every one of them (<see cref="ForgetWorker"/>), the timer has nothing left to act on and is disarmed,
/// instead of staying armed until it is due.
/// </summary>
internal interface IAboutWorkers
{
    IEnumerable<int> Subjects { get; }
}

/// <summary>The supervisor runs; <paramref name="Seed"/> seeds the backoff jitter.</summary>
internal sealed record Started(uint Seed = 1) : StarterEvent;

internal sealed record HangupReceived : StarterEvent;

/// <summary>SIGTERM or SIGINT (<paramref name="Signal"/>) asks the superdaemon to stop.</summary>
internal sealed record TerminateReceived(int Signal) : StarterEvent;

/// <summary>
/// The worker of <paramref name="Generation"/> for <paramref name="Slot"/> was spawned. With <paramref name="AwaitsExec"/>
/// the exec helper is still starting: the worker's program runs, and its time to start counts, from <see cref="WorkerExecuted"/>.
/// </summary>
internal sealed record WorkerSpawned(int Generation, int Pid, bool AwaitsExec = false, int Slot = 0) : StarterEvent;

/// <summary>
/// The envdir, read again before a spawn as start_server reads it, gives settings other than those in force
/// (KILL_OLD_DELAY, AUTO_RESTART_INTERVAL, ENABLE_AUTO_RESTART): they apply from now on. Not sent when nothing changed.
/// </summary>
internal sealed record EnvDirRead(RuntimeSettings Settings) : StarterEvent;

/// <summary>SIGUSR1 with <c>--log-file</c>: logrotate asks for the log file to be opened again.</summary>
internal sealed record LogReopenRequested : StarterEvent;

/// <summary>
/// The exec helper became the worker's program, or could not (<paramref name="Failure"/>; its exit follows).
/// <paramref name="Permanent"/>: the command itself is at fault, and another attempt would fail the same way.
/// </summary>
internal sealed record WorkerExecuted(int Pid, string? Failure = null, bool Permanent = false) : StarterEvent;

/// <summary>The worker could not be spawned; <paramref name="Permanent"/> as for <see cref="WorkerExecuted"/>.</summary>
internal sealed record SpawnFailed(int Generation, string Reason, int Slot = 0, bool Permanent = false) : StarterEvent;

/// <summary>
/// A child was reaped: a worker, or an orphan this subreaper inherited. <paramref name="GroupRemains"/>:
/// other processes are still in the process group the child led.
/// </summary>
internal sealed record WorkerExited(int Pid, WaitStatus Status, bool GroupRemains = false) : StarterEvent;

/// <summary>New worker <paramref name="Pid"/> of <paramref name="Generation"/> has had <c>--interval</c> to die in.</summary>
internal sealed record StartupIntervalElapsed(int Generation, int Pid) : StarterEvent, IAboutWorkers
{
    IEnumerable<int> IAboutWorkers.Subjects => [Pid];
}

/// <summary>Notify readiness: new worker <paramref name="Pid"/> had <c>--start-timeout</c> to send READY=1.</summary>
internal sealed record StartTimeoutElapsed(int Generation, int Pid) : StarterEvent, IAboutWorkers
{
    IEnumerable<int> IAboutWorkers.Subjects => [Pid];
}

/// <summary>The backoff after a failed start of <paramref name="Generation"/> is over: try again.</summary>
internal sealed record RetryDue(int Generation) : StarterEvent;

/// <summary>Generation <paramref name="Generation"/> has served long enough for earlier failed starts to be forgotten.</summary>
internal sealed record GenerationStable(int Generation) : StarterEvent;

/// <summary>The backoff after a failed start in a slot of the serving generation is over: spawn its replacement.</summary>
internal sealed record SlotRetryDue(int Generation, int Slot) : StarterEvent;

/// <summary>Worker <paramref name="Pid"/>, which took over a slot, has served long enough for earlier failures to be forgotten.</summary>
internal sealed record WorkerStable(int Pid) : StarterEvent, IAboutWorkers
{
    IEnumerable<int> IAboutWorkers.Subjects => [Pid];
}

/// <summary>Worker <paramref name="Pid"/> has served its <c>--max-worker-lifetime</c>.</summary>
internal sealed record LifetimeElapsed(int Pid) : StarterEvent, IAboutWorkers
{
    IEnumerable<int> IAboutWorkers.Subjects => [Pid];
}

/// <summary>Time to read the serving workers' resident memory (<c>--max-worker-rss</c>).</summary>
internal sealed record MemoryCheckDue : StarterEvent;

/// <summary>Worker <paramref name="Pid"/> uses <paramref name="Bytes"/> of resident memory.</summary>
internal sealed record MemoryMeasured(int Pid, long Bytes) : StarterEvent;

/// <summary>
/// A worker's sd_notify datagram: READY=1, and the text of STATUS= when it had one. <paramref name="Unshown"/>:
/// how many STATUS= texts before this one were held back, never to be shown (a flood; see StatusThrottle).
/// <paramref name="Watchdog"/>: WATCHDOG=1 or WATCHDOG=trigger, when it said one.
/// </summary>
internal sealed record WorkerNotified(int Pid, bool Ready, string? Status, int Unshown = 0, WatchdogMessage Watchdog = WatchdogMessage.None) : StarterEvent;

/// <summary>What a worker told its watchdog (<c>--worker-watchdog</c>) in an sd_notify datagram.</summary>
internal enum WatchdogMessage
{
    None,

    /// <summary>WATCHDOG=1: alive.</summary>
    Ping,

    /// <summary>WATCHDOG=trigger: the worker knows it is broken; handled as a silent one, at once.</summary>
    Trigger,
}

/// <summary>Worker <paramref name="Pid"/>, started, has sent no WATCHDOG=1 for a whole <c>--worker-watchdog</c>.</summary>
internal sealed record WorkerSilent(int Pid) : StarterEvent, IAboutWorkers
{
    IEnumerable<int> IAboutWorkers.Subjects => [Pid];
}

/// <summary>SIGTTIN (one more worker per generation) or SIGTTOU (one fewer), as <paramref name="Signal"/> says.</summary>
internal sealed record ResizeRequested(int Signal) : StarterEvent;

/// <summary>The <c>--kill-old-delay</c> of these old workers is over: they get --signal-on-hup now.</summary>
internal sealed record KillOldDelayElapsed(ImmutableArray<int> Pids) : StarterEvent, IAboutWorkers
{
    IEnumerable<int> IAboutWorkers.Subjects => Pids;

    // ImmutableArray compares by reference; a timer is known by its event, which must compare by what it says.
    public bool Equals(KillOldDelayElapsed? other) => other is not null && Pids.SequenceEqual(other.Pids);

    public override int GetHashCode() => Pids.Length == 0 ? 0 : HashCode.Combine(Pids.Length, Pids[0]);
}

/// <summary>These workers (or what is left of their process groups) were signalled <c>--drain-timeout</c> ago.</summary>
internal sealed record DrainDeadlineDue(ImmutableArray<int> Pids) : StarterEvent, IAboutWorkers
{
    IEnumerable<int> IAboutWorkers.Subjects => Pids;

    public bool Equals(DrainDeadlineDue? other) => other is not null && Pids.SequenceEqual(other.Pids);

    public override int GetHashCode() => Pids.Length == 0 ? 0 : HashCode.Combine(Pids.Length, Pids[0]);
}

/// <summary>Stopping: <c>--drain-timeout</c> has passed since the stop began.</summary>
internal sealed record StopDeadlineDue : StarterEvent;

/// <summary>The auto-restart interval passed since the <paramref name="StartedCount"/>-th start.</summary>
internal sealed record AutoRestartDue(int StartedCount, bool Forced) : StarterEvent;

/// <summary>Time to tell the watchdog the loop is alive; it comes back every <paramref name="Period"/>.</summary>
internal sealed record WatchdogDue(TimeSpan Period) : StarterEvent;

/// <summary>While stopping, every <paramref name="Step"/>: workers still draining may need more time, up to <paramref name="Left"/>.</summary>
internal sealed record StopProgressDue(TimeSpan Step, TimeSpan Left) : StarterEvent;

/// <summary>The status files now say <paramref name="Document"/>.</summary>
internal sealed record StatusWritten(StatusDocument Document) : StarterEvent;

internal sealed record StatusWriteFailed(string Reason) : StarterEvent;

/// <summary>Time to try the status file again after a failed write.</summary>
internal sealed record StatusRetryDue : StarterEvent;

/// <summary>Nothing is left of the process group of a worker that exited earlier.</summary>
internal sealed record GroupGone(int Pgid) : StarterEvent;

/// <summary>Carrying out <paramref name="Command"/> threw: a fault the machine hears about instead of the loop dying.</summary>
internal sealed record CommandFailed(StarterCommand Command, string Reason) : StarterEvent;
