using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// Crashes and what replaces them, one worker's and a pool's, in one place. With one worker per generation a
/// serving worker that dies is replaced by the next generation, as start_server does; in a pool it is
/// replaced in its slot, in the same generation, the others untouched. Either way the death counts as a
/// failure (forgotten once what replaced it has served a second), so a worker that keeps dying is respawned
/// with the backoff; a replacement that fails to start is retried after it too.
/// </summary>
internal static partial class GenerationMachine
{
    /// <summary>A worker serving the current generation died.</summary>
    private static GenerationState OnServingExited(GenerationState state, Member serving, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        var replacing = state.Roster.Current!.Slots[serving.Slot].Replacement;
        var next = Crashed(state, serving.Worker, exited, commands);
        if (state.WorkerCount == 1 && replacing is null)
            return RespawnNext(next, serving.Generation, commands);
        // Recycling had a replacement on its way already: it takes the slot once it has started.
        return replacing is null ? QueueReplacement(next, serving.Generation, serving.Slot, TimeSpan.Zero, commands) : next;
    }

    /// <summary>
    /// A serving worker died: said (unless the same death keeps repeating), counted as a failure, and what it
    /// left of its process group is seen to. What takes its place is up to the caller.
    /// </summary>
    private static GenerationState Crashed(GenerationState state, Worker worker, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        var failure = new WorkerFailed(worker.Generation, new DiedUnexpectedly(exited.Status), worker.Pid, SlotLabel(state, worker.Slot));
        SayUnlessRepeated(state, failure.Kind, new WorkerDiedUnexpectedly(worker.Pid, exited.Status, Labelled(state, worker)), commands);
        var next = Counted(Without(state, worker.Pid), failure.Kind, failure);
        return AddLeftover(next, worker.Pid, worker.Generation, exited.GroupRemains,
            groupSignalled: false, deadlineRunning: false, state.Settings.SignalOnHup, commands);
    }

    /// <summary>
    /// Server::Starter: with one worker per generation, a current worker that dies is replaced at once by the
    /// next generation. Unless it had not yet served a second: then it counts as one more failed start, and the
    /// next generation waits out the backoff (<see cref="Roster.Respawn"/>), or a worker that exits at once with
    /// --interval=0 (accepted before its exit is seen) would be respawned in a tight loop.
    /// </summary>
    private static GenerationState RespawnNext(GenerationState state, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        var crashed = state with { Roster = state.Roster with { Current = null } };
        var (next, delay) = WaitBeforeRetry(crashed, TimeSpan.Zero, commands);
        if (delay <= TimeSpan.Zero)
            return SpawnNext(next, SpawnReason.Crash, commands);
        commands.Add(new StartTimer(new RetryDue(generation), delay));
        return next with
        {
            Roster = next.Roster with { Respawn = new Respawn(generation) },
            Failures = next.Failures with { NextAttemptIn = delay },
        };
    }

    /// <summary>The backoff after a crash is over: the next generation replaces the one that died.</summary>
    private static GenerationState OnRespawnDue(GenerationState state, RetryDue due, ImmutableArray<StarterCommand>.Builder commands) =>
        state.Roster.Respawn is { } respawn && respawn.Generation == due.Generation && !state.Stopping
            ? SpawnNext(state, SpawnReason.Crash, commands)
            : state;

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
        var next = Counted(StopNewWorker(Without(state, member.Pid), member.Worker, state.Settings.SignalOnTerm, commands), failure.Kind, failure);
        return QueueReplacement(next, member.Generation, member.Slot, TimeSpan.Zero, commands);
    }

    private static GenerationState ReplacementSpawnFailed(GenerationState state, SpawnFailed failed, ImmutableArray<StarterCommand>.Builder commands)
    {
        var current = state.Roster.Current;
        if (current?.Slots.ElementAtOrDefault(failed.Slot)?.Replacement is not { Phase: MemberPhase.Spawning } member || member.Generation != failed.Generation)
            return state;
        var failure = new WorkerFailed(failed.Generation, new NotSpawned(failed.Reason), Slot: SlotLabel(state, failed.Slot));
        SayUnlessRepeated(state, failure.Kind, new CouldNotSpawn(failed.Generation, failed.Reason), commands);
        var slot = current.Slots[failed.Slot];
        var next = Counted(state with { Roster = state.Roster with { Current = current.With(failed.Slot, slot with { Replacement = null }) } }, failure.Kind, failure);
        return state.Stopping ? next : QueueReplacement(next, failed.Generation, failed.Slot, RetryFloor(state.Settings), commands);
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

    private static GenerationState WithReplacement(GenerationState state, Member member)
    {
        var current = state.Roster.Current!;
        return state with { Roster = state.Roster with { Current = current.With(member.Slot, current.Slots[member.Slot] with { Replacement = member }) } };
    }

    private static GenerationState OnSlotRetryDue(GenerationState state, SlotRetryDue due, ImmutableArray<StarterCommand>.Builder commands) =>
        !state.Stopping && state.Roster.Current?.Slots.ElementAtOrDefault(due.Slot)?.Replacement is { Phase: MemberPhase.Queued } queued && queued.Generation == due.Generation
            ? SpawnReplacement(state, due.Generation, due.Slot, commands)
            : state;

    /// <summary>
    /// A replacement has started: it serves its slot. The worker it replaces, if any (recycling), is
    /// retired only now, so the slot is never without a worker that has started.
    /// </summary>
    private static GenerationState ReplacementStarted(GenerationState state, Member ready, ImmutableArray<StarterCommand>.Builder commands)
    {
        var current = state.Roster.Current!;
        var replaced = current.Slots[ready.Slot].Serving;
        var next = state with { Roster = state.Roster with { Current = current.With(ready.Slot, new PoolSlot(ready)) } };
        var stable = StableAfter(next.Settings);
        if (next.Failures.Consecutive > 0 && stable > TimeSpan.Zero)
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
        next = next with { Roster = next.Roster with { Old = next.Roster.Old.Add(new OldWorker(replaced.Worker, Retirement.Waiting, Recycled: true)) } };
        return RetireOrSchedule(next, [replaced.Pid], commands);
    }

    /// <summary>Failures are forgotten once a worker that took over a slot has served a second and still does.</summary>
    private static GenerationState OnWorkerStable(GenerationState state, int pid) =>
        state.Roster.ServingMember(pid) is not null ? Stable(state) : state;
}
