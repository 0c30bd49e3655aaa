using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// Recycling, as Net::Server::PreForkSimple's max_requests does: a worker past --max-worker-lifetime or
/// --max-worker-rss gets a replacement in its slot, and is retired only once that one has started.
/// </summary>
internal static partial class GenerationMachine
{
    /// <summary>How often resident memory is read while --max-worker-rss is set; never otherwise.</summary>
    private static readonly TimeSpan MemoryCheckPeriod = TimeSpan.FromSeconds(5);

    private static GenerationState OnStarted(GenerationState state, Started started, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Settings.MaxWorkerRss > 0)
            commands.Add(new StartTimer(new MemoryCheckDue(), MemoryCheckPeriod));
        return SpawnNext(state with { Failures = state.Failures with { JitterSeed = started.Seed } }, SpawnReason.Initial, commands);
    }

    /// <summary>--max-worker-lifetime, ±10 % so that workers started together do not all go together.</summary>
    private static GenerationState StartLifetime(GenerationState state, int pid, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Settings.MaxWorkerLifetime <= TimeSpan.Zero)
            return state;
        uint seed = Backoff.XorShift(state.Failures.JitterSeed);
        double factor = Backoff.Jitter(seed, 0.9, 0.2);
        commands.Add(new StartTimer(new LifetimeElapsed(pid), state.Settings.MaxWorkerLifetime * factor));
        return state with { Failures = state.Failures with { JitterSeed = seed } };
    }

    private static GenerationState OnLifetimeElapsed(GenerationState state, int pid, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (Recyclable(state, pid) is not { } member)
            return state;
        commands.Add(new Say(new LifetimeReached(member.Worker, state.Settings.MaxWorkerLifetime)));
        return SpawnReplacement(state, member.Generation, member.Slot, commands);
    }

    private static GenerationState OnMemoryCheckDue(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping)
            return state;
        var pids = state.Roster.Current?.Slots.Where(s => s.Replacement is null).Select(s => s.Serving?.Pid).OfType<int>().ToImmutableArray() ?? [];
        if (!pids.IsEmpty)
            commands.Add(new MeasureMemory(pids));
        commands.Add(new StartTimer(new MemoryCheckDue(), MemoryCheckPeriod));
        return state;
    }

    private static GenerationState OnMemoryMeasured(GenerationState state, MemoryMeasured measured, ImmutableArray<StarterCommand>.Builder commands)
    {
        long limit = state.Settings.MaxWorkerRss * Mebibyte;
        if (limit <= 0 || measured.Bytes <= limit || Recyclable(state, measured.Pid) is not { } member)
            return state;
        commands.Add(new Say(new MemoryExceeded(member.Worker, measured.Bytes / Mebibyte, state.Settings.MaxWorkerRss)));
        return SpawnReplacement(state, member.Generation, member.Slot, commands);
    }

    /// <summary>A worker serving a slot of the current generation that has no replacement on its way yet.</summary>
    private static Member? Recyclable(GenerationState state, int pid) =>
        !state.Stopping && state.Roster.ServingMember(pid) is { } member && state.Roster.Current!.Slots[member.Slot].Replacement is null ? member : null;

    private const long Mebibyte = 1024 * 1024;
}
