using System.Collections.Immutable;
using StarterHost.Workers;

namespace StarterHost.Generations;

/// <summary>A decision worth a log line. Each maps to one start_server message (see Logging/Log.cs).</summary>
internal abstract record Notice;

internal sealed record HangupSpawning : Notice;

internal sealed record HangupQueued(int StartingGeneration) : Notice;

internal sealed record WorkerDiedUnexpectedly(int Pid, WaitStatus Status) : Notice;

internal sealed record OldWorkerDied(int Pid, WaitStatus Status) : Notice;

internal sealed record NewWorkerFailed(int Pid, WaitStatus Status) : Notice;

internal sealed record NewWorkerRunning(int Signal, ImmutableArray<int> OldPids) : Notice;

internal sealed record SleepingBeforeKill(TimeSpan Delay) : Notice;

internal sealed record KillingOldWorkers : Notice;

internal sealed record AutoRestartTriggered(TimeSpan Interval, bool Forced) : Notice;

internal sealed record Terminating(int Received, int Sent, ImmutableArray<int> Pids) : Notice;

internal sealed record WorkerDied(int Pid, WaitStatus Status) : Notice;

internal sealed record SignalIgnoredWhileStopping(int Signal) : Notice;

internal sealed record Exiting : Notice;
