using System.Collections.Immutable;
using StarterHost.Workers;

namespace StarterHost.Generations;

/// <summary>
/// A decision worth a log line, carrying what the line needs. Logging/NoticeLog gives each its words, level and
/// event id; start_server's lines keep its wording.
/// </summary>
internal abstract record Notice;

internal sealed record HangupSpawning : Notice;

internal sealed record HangupQueued(int StartingGeneration) : Notice;

/// <summary>A worker was spawned; <paramref name="Slot"/> is named only with more than one worker per generation.</summary>
internal sealed record StartingWorker(int Pid, int Generation, int? Slot = null) : Notice;

internal sealed record CouldNotSpawn(int Generation, string Reason) : Notice;

internal sealed record SignalFailed(int Pid, int Signal, string Reason) : Notice;

/// <summary>A serving worker died; <paramref name="Member"/> names its slot in a pool.</summary>
internal sealed record WorkerDiedUnexpectedly(int Pid, WaitStatus Status, Worker? Member = null) : Notice;

internal sealed record OldWorkerDied(int Pid, WaitStatus Status) : Notice;

/// <summary>A new worker died before it started; <paramref name="Member"/> names its slot in a pool.</summary>
internal sealed record NewWorkerFailed(int Pid, WaitStatus Status, Worker? Member = null) : Notice;

internal sealed record NewWorkerRunning(int Signal, ImmutableArray<int> OldPids) : Notice;

/// <summary>A generation was accepted and serves.</summary>
internal sealed record GenerationServing(int Generation, int Pid) : Notice;

internal sealed record SleepingBeforeKill(TimeSpan Delay) : Notice;

internal sealed record KillingOldWorkers : Notice;

internal sealed record AutoRestartTriggered(TimeSpan Interval, bool Forced) : Notice;

internal sealed record Terminating(int Received, int Sent, ImmutableArray<int> Pids) : Notice;

internal sealed record WorkerDied(int Pid, WaitStatus Status) : Notice;

internal sealed record SignalIgnoredWhileStopping(int Signal) : Notice;

internal sealed record Exiting : Notice;

/// <summary>The next attempt after <paramref name="Failures"/> consecutive failed starts waits <paramref name="Delay"/>.</summary>
internal sealed record RetryScheduled(int Failures, TimeSpan Delay) : Notice;

/// <summary>Identical failed starts go on; said at 4, 8, 16… in a row instead of every time.</summary>
internal sealed record FailuresRepeated(int Failures, Failure Failure, TimeSpan Delay) : Notice;

internal sealed record RestartAbandoned(int Failures, int ServingGeneration, AttemptFailed Failure) : Notice;

/// <summary>At first start, a failure no retry can fix: StarterHost stops and exits 1.</summary>
internal sealed record StartGivenUp(AttemptFailed Failure) : Notice;

/// <summary>Notify readiness: no READY=1 within the start timeout.</summary>
internal sealed record StartTimedOut(int Pid, int Generation, TimeSpan Timeout, int? Slot = null) : Notice;

/// <summary>
/// Still alive <paramref name="Timeout"/> after its signal: its process group gets SIGKILL. With
/// <paramref name="LeaderGone"/> the worker itself had exited, and what is alive is the rest of its group.
/// </summary>
internal sealed record KilledAtDeadline(int Pid, int Generation, TimeSpan Timeout, bool LeaderGone = false) : Notice;

/// <summary>A worker exited but other processes of its group live on; they are sent <paramref name="Signal"/>.</summary>
internal sealed record LeftoverSignalled(int Pgid, int Generation, int Signal) : Notice;

/// <summary>A worker's own STATUS= (notify readiness).</summary>
internal sealed record WorkerSaid(int Pid, int Generation, string Text) : Notice;

/// <summary>A worker sent STATUS= faster than it is shown: <paramref name="Count"/> texts were never shown.</summary>
internal sealed record WorkerStatusesNotShown(int Pid, int Generation, int Count) : Notice;

internal sealed record StatusWriteFailing(string Reason) : Notice;

internal sealed record StatusWriteRecovered : Notice;

/// <summary>An effect failed in a way no rule expects; said, and survived.</summary>
internal sealed record CommandFaulted(string Command, string Reason) : Notice;

// Worker pools (--workers, --handover, recycling).

/// <summary>A generation of more than one worker was accepted and serves.</summary>
internal sealed record PoolServing(int Generation, ImmutableArray<int> Pids) : Notice;

/// <summary>A member failed, so its generation did: these other members are stopped.</summary>
internal sealed record PoolMembersStopped(int Generation, ImmutableArray<int> Pids) : Notice;

/// <summary>Rolling: a member failed, but these members of its generation have started and serve on until replaced.</summary>
internal sealed record PoolMembersServeOn(int Generation, ImmutableArray<int> Pids) : Notice;

/// <summary>A replacement has started and serves its slot.</summary>
internal sealed record SlotServing(Worker Worker) : Notice;

/// <summary>A serving worker reached --max-worker-lifetime (<paramref name="Lifetime"/>, jitter included).</summary>
internal sealed record LifetimeReached(Worker Worker, TimeSpan Lifetime) : Notice;

/// <summary>A serving worker's resident memory passed --max-worker-rss.</summary>
internal sealed record MemoryExceeded(Worker Worker, long Mebibytes, int Limit) : Notice;

/// <summary>
/// The watchdog found <paramref name="Worker"/> hung: silent for <paramref name="Silent"/>, or, with none, it sent
/// WATCHDOG=trigger. <paramref name="Slot"/> is named in a pool; <paramref name="Signal"/> is what it is sent.
/// </summary>
internal sealed record WorkerHung(Worker Worker, int? Slot, TimeSpan? Silent, int Signal) : Notice;

/// <summary>TTIN or TTOU (<paramref name="Signal"/>) changed the workers per generation.</summary>
internal sealed record WorkersResized(int From, int To, int Signal) : Notice;

/// <summary>TTIN or TTOU would take the workers per generation past its bounds (1 to 4096): ignored.</summary>
internal sealed record ResizeRefused(int Workers, int Signal) : Notice;

/// <summary>TTOU retired the highest slot: these workers go (its serving one gracefully).</summary>
internal sealed record SlotRetired(int Slot, ImmutableArray<int> Pids) : Notice;

/// <summary>A restart replaces the generation this replacement was starting for: it is stopped.</summary>
internal sealed record ReplacementStopped(Worker Worker) : Notice;
