using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// Resizing at run time, as unicorn and gunicorn do: SIGTTIN adds a worker (a slot) to the generation that will
/// serve, SIGTTOU retires its highest slot gracefully. The count is the state's (<see cref="GenerationState.Workers"/>),
/// not a setting: the next generation after a HUP starts with it, recycling keeps it, and it crosses an exec.
/// </summary>
internal static partial class GenerationMachine
{
    public const int MinWorkers = 1;
    public const int MaxWorkers = 4096;

    private static GenerationState OnResizeRequested(GenerationState state, ResizeRequested resize, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping)
        {
            commands.Add(new Say(new SignalIgnoredWhileStopping(resize.Signal)));
            return state;
        }
        int from = state.WorkerCount;
        int to = resize.Signal == Signals.SignalNames.Ttin ? from + 1 : from - 1;
        if (to is < MinWorkers or > MaxWorkers)
        {
            commands.Add(new Say(new ResizeRefused(from, resize.Signal)));
            return state;
        }
        commands.Add(new Say(new WorkersResized(from, to, resize.Signal)));
        var next = state with { Workers = to };
        return to > from ? Grow(next, commands) : Shrink(next, to, commands);
    }

    /// <summary>
    /// One more slot: in the generation starting, if one is, else in the serving one, where its worker starts as a
    /// replacement would. A failed start or a crash waiting out its backoff starts the next attempt at the new size.
    /// </summary>
    private static GenerationState Grow(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        var roster = state.Roster;
        if (roster.Pending is { Failed: false } pending)
        {
            var member = new Member(pending.Generation, pending.Members.Length, MemberPhase.Spawning);
            commands.Add(new SpawnWorker(member.Generation, member.Slot));
            return state with { Roster = roster with { Pending = pending with { Members = pending.Members.Add(member) } } };
        }
        if (roster.Pending is not null || roster.Current is not { } current)
            return state;
        var added = current with { Slots = current.Slots.Add(new PoolSlot(null)) };
        return SpawnReplacement(state with { Roster = roster with { Current = added } }, current.Generation, added.Slots.Length - 1, commands);
    }

    /// <summary>
    /// The highest slot goes: from the generation starting, if one is (which may then have started whole), else from
    /// the serving one, whose worker there is retired gracefully (--signal-on-hup, then the drain deadline) and a
    /// replacement starting there stopped.
    /// </summary>
    private static GenerationState Shrink(GenerationState state, int slot, ImmutableArray<StarterCommand>.Builder commands)
    {
        var roster = state.Roster;
        if (roster.Pending is { Failed: false } pending)
        {
            var member = pending.Members[slot];
            var left = pending with { Members = pending.Members.RemoveAt(slot) };
            var next = state with { Roster = roster with { Pending = left } };
            if (member.Pid > 0)
            {
                commands.Add(new Say(new SlotRetired(slot, [member.Pid])));
                next = StopNewWorker(next, member.Worker, member.Phase == MemberPhase.Ready ? state.Settings.SignalOnHup : state.Settings.SignalOnTerm, commands);
            }
            return left.Members.All(m => m.Phase == MemberPhase.Ready) ? Accept(next, left, commands) : next;
        }
        if (roster.Pending is not null || roster.Current is not { } current || slot >= current.Slots.Length)
            return state;
        var removed = current.Slots[slot];
        var result = state with { Roster = roster with { Current = current with { Slots = current.Slots.RemoveAt(slot) } } };
        var pids = new[] { removed.Serving?.Pid, removed.Replacement?.Pid }.OfType<int>().Where(pid => pid > 0).ToImmutableArray();
        if (!pids.IsEmpty)
            commands.Add(new Say(new SlotRetired(slot, pids)));
        if (removed.Replacement is { Pid: > 0 } replacement)
            result = StopNewWorker(result, replacement.Worker, state.Settings.SignalOnTerm, commands);
        if (removed.Serving is { } serving)
        {
            result = result with { Roster = result.Roster with { Old = result.Roster.Old.Add(new OldWorker(serving.Worker, Retirement.Waiting)) } };
            result = SignalRetiring(result, [serving.Pid], state.Settings.SignalOnHup, commands);
        }
        return result;
    }
}
