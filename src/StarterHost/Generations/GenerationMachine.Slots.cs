using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// The slots of the serving generation: a worker that dies is replaced in its slot, in the same
/// generation, the others untouched; a replacement that fails to start is retried after the backoff.
/// </summary>
internal static partial class GenerationMachine
{
    /// <summary>
    /// A serving worker of a pool died. Like a single worker, it counts as a failure (forgotten once its
    /// replacement has served a second), so a worker that keeps dying is respawned with the backoff.
    /// </summary>
    private static GenerationState OnMemberCrashed(GenerationState state, Member member, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        var replacing = state.Current!.Slots[member.Slot].Replacement;
        var next = Crashed(state, member.Worker, exited, commands);
        // Recycling had a replacement on its way already: it takes the slot once it has started.
        return replacing is null ? QueueReplacement(next, member.Generation, member.Slot, TimeSpan.Zero, commands) : next;
    }

    private static GenerationState OnReplacementExited(GenerationState state, Member member, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        var failure = new WorkerFailed(member.Generation, new ExitedEarly(exited.Status, state.Settings.Readiness), member.Pid, SlotLabel(state, member.Slot));
        SayUnlessRepeated(state, failure.Kind, new NewWorkerFailed(member.Pid, exited.Status, Labelled(state, member.Worker)), commands);
        var next = Counted(Without(state, member.Pid), failure.Kind, failure);
        next = AddLeftover(next, member.Pid, member.Generation, exited.GroupRemains,
            groupSignalled: false, deadlineRunning: false, state.Settings.SignalOnTerm, commands);
        return QueueReplacement(next, member.Generation, member.Slot, TimeSpan.Zero, commands);
    }

    private static GenerationState ReplacementTimedOut(GenerationState state, Member member, ImmutableArray<StarterCommand>.Builder commands)
    {
        var timeout = state.Settings.StartTimeout;
        commands.Add(new Say(new StartTimedOut(member.Pid, member.Generation, timeout, SlotLabel(state, member.Slot))));
        var failure = new WorkerFailed(member.Generation, new NotReady(timeout), member.Pid, SlotLabel(state, member.Slot));
        var next = Counted(Stop(Without(state, member.Pid), member.Worker, state.Settings.SignalOnTerm, commands), failure.Kind, failure);
        return QueueReplacement(next, member.Generation, member.Slot, TimeSpan.Zero, commands);
    }

    private static GenerationState ReplacementSpawnFailed(GenerationState state, SpawnFailed failed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Current?.Slots.ElementAtOrDefault(failed.Slot)?.Replacement is not { Phase: MemberPhase.Spawning } member || member.Generation != failed.Generation)
            return state;
        var failure = new WorkerFailed(failed.Generation, new NotSpawned(failed.Reason), Slot: SlotLabel(state, failed.Slot));
        SayUnlessRepeated(state, failure.Kind, new CouldNotSpawn(failed.Generation, failed.Reason), commands);
        var slot = state.Current.Slots[failed.Slot];
        var next = Counted(state with { Current = state.Current.With(failed.Slot, slot with { Replacement = null }) }, failure.Kind, failure);
        return state.Phase == Phase.Stopping ? next : QueueReplacement(next, failed.Generation, failed.Slot, RetryFloor(state.Settings), commands);
    }

    /// <summary>A replacement for a slot of the serving generation: now, or after the backoff.</summary>
    private static GenerationState QueueReplacement(GenerationState state, int generation, int slot, TimeSpan floor, ImmutableArray<StarterCommand>.Builder commands)
    {
        var (next, delay) = WaitBeforeRetry(state, floor, commands);
        if (delay <= TimeSpan.Zero)
            return SpawnReplacement(next, generation, slot, commands);
        commands.Add(new StartTimer(new SlotRetryDue(generation, slot), delay));
        return WithReplacement(next, new Member(generation, slot, MemberPhase.Queued));
    }

    private static GenerationState SpawnReplacement(GenerationState state, int generation, int slot, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new SpawnWorker(generation, slot));
        return WithReplacement(state, new Member(generation, slot, MemberPhase.Spawning));
    }

    private static GenerationState WithReplacement(GenerationState state, Member member) =>
        state with { Current = state.Current!.With(member.Slot, state.Current.Slots[member.Slot] with { Replacement = member }) };

    private static GenerationState OnSlotRetryDue(GenerationState state, SlotRetryDue due, ImmutableArray<StarterCommand>.Builder commands) =>
        state.Phase == Phase.Running && state.Current?.Slots.ElementAtOrDefault(due.Slot)?.Replacement is { Phase: MemberPhase.Queued } queued && queued.Generation == due.Generation
            ? SpawnReplacement(state, due.Generation, due.Slot, commands)
            : state;

    /// <summary>
    /// A replacement has started: it serves its slot. The worker it replaces, if any (recycling), is
    /// retired only now, so the slot is never without a worker that has started.
    /// </summary>
    private static GenerationState ReplacementStarted(GenerationState state, Member ready, ImmutableArray<StarterCommand>.Builder commands)
    {
        var replaced = state.Current!.Slots[ready.Slot].Serving;
        var next = state with { Current = state.Current.With(ready.Slot, new PoolSlot(ready)) };
        var stable = StableAfter(next.Settings);
        if (next.ConsecutiveFailures > 0 && stable > TimeSpan.Zero)
            commands.Add(new StartTimer(new WorkerStable(ready.Pid), stable));
        else
            next = Stable(next);
        next = StartLifetime(next, ready.Pid, commands);
        if (replaced is null)
        {
            commands.Add(new Say(new SlotServing(ready.Worker)));
            return next;
        }
        commands.Add(new Say(new NewWorkerRunning(next.Settings.SignalOnHup, [replaced.Pid])));
        next = next with { Old = next.Old.Add(new OldWorker(replaced.Worker, Retirement.Waiting)) };
        return RetireOrSchedule(next, [replaced.Pid], commands);
    }

    /// <summary>Failures are forgotten once a worker that took over a slot has served a second and still does.</summary>
    private static GenerationState OnWorkerStable(GenerationState state, int pid) =>
        state.ServingMember(pid) is not null ? Stable(state) : state;
}
