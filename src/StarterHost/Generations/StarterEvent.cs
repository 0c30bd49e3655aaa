using System.Collections.Immutable;
using StarterHost.Workers;

namespace StarterHost.Generations;

/// <summary>Something that happened: a signal, a child's exit, a timer, the result of a spawn.</summary>
internal abstract record StarterEvent;

internal sealed record Started : StarterEvent;

internal sealed record HangupReceived : StarterEvent;

/// <summary>SIGTERM or SIGINT (<paramref name="Signal"/>) asks the superdaemon to stop.</summary>
internal sealed record TerminateReceived(int Signal) : StarterEvent;

internal sealed record WorkerSpawned(int Generation, int Pid, RuntimeSettings Settings) : StarterEvent;

internal sealed record SpawnFailed(int Generation, string Reason) : StarterEvent;

internal sealed record WorkerExited(int Pid, WaitStatus Status) : StarterEvent;

/// <summary>The new worker has had <c>--interval</c> to die in. Readiness reports would be a sibling event.</summary>
internal sealed record StartupIntervalElapsed(int Generation) : StarterEvent;

internal sealed record KillOldDelayElapsed(ImmutableArray<int> Pids) : StarterEvent;

/// <summary>The auto-restart interval passed since the <paramref name="StartedCount"/>-th start.</summary>
internal sealed record AutoRestartDue(int StartedCount, bool Forced) : StarterEvent;

/// <summary>Time to tell the watchdog the loop is alive; it comes back every <paramref name="Period"/>.</summary>
internal sealed record WatchdogDue(TimeSpan Period) : StarterEvent;

/// <summary>While stopping, every <paramref name="Step"/>: workers still draining may need more time, up to <paramref name="Left"/>.</summary>
internal sealed record StopProgressDue(TimeSpan Step, TimeSpan Left) : StarterEvent;
