using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>An effect the machine asks for; <see cref="StarterService"/> carries it out.</summary>
internal abstract record StarterCommand;

/// <summary>Spawn the worker of this generation; answered by WorkerSpawned or SpawnFailed.</summary>
internal sealed record SpawnWorker(int Generation) : StarterCommand;

/// <summary>Deliver <paramref name="Event"/> after <paramref name="Delay"/>. Sleeps are timers, never blocking.</summary>
internal sealed record StartTimer(StarterEvent Event, TimeSpan Delay) : StarterCommand;

internal sealed record SignalWorkers(ImmutableArray<int> Pids, int Signal) : StarterCommand;

internal sealed record WriteStatus(ImmutableArray<Worker> Workers) : StarterCommand;

internal sealed record Say(Notice Notice) : StarterCommand;

internal sealed record Exit(int Code) : StarterCommand;
