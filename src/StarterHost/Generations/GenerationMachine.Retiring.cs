using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>Retiring workers: exits, signals, drain deadlines, and what a worker leaves of its process group.</summary>
internal static partial class GenerationMachine
{
    private static GenerationState OnExited(GenerationState state, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        int pid = exited.Pid;
        if (state.GenerationOf(pid) is not { } generation)
            return ProbeLeftovers(state, commands);
        if (state.Phase == Phase.Stopping)
        {
            commands.Add(new Say(new WorkerDied(pid, exited.Status)));
            var stopped = AddLeftover(Without(state, pid), pid, generation, exited.GroupRemains,
                groupSignalled: state.Settings.SignalGroup, deadlineRunning: true, state.StopSignal, commands,
                groupKilled: state.StopDeadlinePassed || GroupKilled(state, pid));
            return ExitIfDone(stopped, commands);
        }
        if (state.PendingMember(pid) is { } member)
            return OnPendingExited(state, member, exited, commands);
        if (state.ServingMember(pid) is { } serving)
            return state.Settings.Workers == 1 && state.Current!.Slots[0].Replacement is null
                ? OnCurrentCrashed(state, generation, exited, commands)
                : OnMemberCrashed(state, serving, exited, commands);
        if (state.Replacement(pid) is { } replacement)
            return OnReplacementExited(state, replacement, exited, commands);
        var old = state.Old.First(o => o.Worker.Pid == pid);
        commands.Add(new Say(old.Served ? new OldWorkerDied(pid, exited.Status) : new WorkerDied(pid, exited.Status)));
        bool signalled = old.Retirement is Retirement.Signalled or Retirement.Killed;
        var next = AddLeftover(Without(state, pid), pid, generation, exited.GroupRemains,
            groupSignalled: signalled && state.Settings.SignalGroup, deadlineRunning: signalled,
            old.Served ? state.Settings.SignalOnHup : state.Settings.SignalOnTerm, commands,
            groupKilled: old.Retirement == Retirement.Killed);
        if (next.AutoRestartOverdue && next.Old.IsEmpty && next.Pending is null)
        {
            commands.Add(new Say(new AutoRestartTriggered(next.Settings.AutoRestartInterval, Forced: false)));
            return Restart(next, commands);
        }
        return next;
    }

    /// <summary>
    /// Server::Starter: a current worker that dies is replaced at once. Unless it had not yet served a
    /// second: then it counts as one more failed start, and the replacement waits out the backoff, or a
    /// worker that exits at once with --interval=0 (accepted before its exit is seen) would be respawned
    /// in a tight loop.
    /// </summary>
    private static GenerationState OnCurrentCrashed(GenerationState state, int generation, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        var crashed = Crashed(state, new Worker(generation, exited.Pid), exited, commands) with
        {
            Current = null,
            // The generation that died stands in for the one to come until the retry spawns it.
            Pending = new PendingGeneration(generation, SpawnReason.Crash, [], Failed: true),
        };
        return ScheduleRetry(crashed, TimeSpan.Zero, commands);
    }

    /// <summary>
    /// A serving worker died, one worker's or a pool's: said (unless the same death keeps repeating), counted as
    /// a failure, and what it left of its process group is seen to. What takes its place is up to the caller.
    /// </summary>
    private static GenerationState Crashed(GenerationState state, Worker worker, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        var failure = new WorkerFailed(worker.Generation, new DiedUnexpectedly(exited.Status), worker.Pid, SlotLabel(state, worker.Slot));
        SayUnlessRepeated(state, failure.Kind, new WorkerDiedUnexpectedly(worker.Pid, exited.Status, Labelled(state, worker)), commands);
        var next = Counted(Without(state, worker.Pid), failure.Kind, failure);
        return AddLeftover(next, worker.Pid, worker.Generation, exited.GroupRemains,
            groupSignalled: false, deadlineRunning: false, state.Settings.SignalOnHup, commands);
    }

    private static GenerationState RetireOrSchedule(GenerationState state, ImmutableArray<int> pids, ImmutableArray<StarterCommand>.Builder commands)
    {
        var delay = state.Settings.KillOldDelay;
        if (delay > TimeSpan.Zero)
        {
            commands.Add(new Say(new SleepingBeforeKill(delay)));
            commands.Add(new StartTimer(new KillOldDelayElapsed(pids), delay));
            return Mark(state, pids, Retirement.Scheduled);
        }
        return SignalOld(state, pids, commands);
    }

    private static GenerationState OnKillOldDelayElapsed(GenerationState state, ImmutableArray<int> pids, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Phase == Phase.Stopping)
            return state;
        var due = state.Old.Where(o => o.Retirement == Retirement.Scheduled && pids.Contains(o.Worker.Pid))
            .Select(o => o.Worker.Pid).ToImmutableArray();
        return SignalOld(state, due, commands);
    }

    /// <summary>
    /// Sends --signal-on-hup to the old workers a started generation replaced. The reference sends it
    /// to every old worker at every restart, so a second restart would signal a draining worker twice
    /// (a second TERM is "exit now" to many servers); each old worker here is signalled once.
    /// </summary>
    private static GenerationState SignalOld(GenerationState state, ImmutableArray<int> pids, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new Say(new KillingOldWorkers()));
        return SignalRetiring(state, pids, state.Settings.SignalOnHup, commands);
    }

    /// <summary>Rolling: a new worker has started in <paramref name="slot"/>; the old one serving that slot goes.</summary>
    private static GenerationState RetireSlot(GenerationState state, int slot, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.OldStillServing.FirstOrDefault(o => o.Worker.Slot == slot) is not { } old)
            return state;
        commands.Add(new Say(new NewWorkerRunning(state.Settings.SignalOnHup, [old.Worker.Pid])));
        return RetireOrSchedule(state, [old.Worker.Pid], commands);
    }

    /// <summary>A worker that never served (its generation never started): stopped, with the drain deadline.</summary>
    private static GenerationState Stop(GenerationState state, Worker worker, int signal, ImmutableArray<StarterCommand>.Builder commands) =>
        SignalRetiring(state with { Old = state.Old.Add(new OldWorker(worker, Retirement.Waiting, Served: false)) }, [worker.Pid], signal, commands);

    /// <summary>Signals workers on their way out and starts their drain deadline.</summary>
    private static GenerationState SignalRetiring(GenerationState state, ImmutableArray<int> pids, int signal, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (pids.IsEmpty)
            return state;
        commands.Add(new SignalWorkers(pids, signal, state.Settings.SignalGroup));
        if (state.Settings.DrainTimeout > TimeSpan.Zero)
            commands.Add(new StartTimer(new DrainDeadlineDue(pids), state.Settings.DrainTimeout));
        return Mark(state, pids, Retirement.Signalled);
    }

    /// <summary>Whatever of these is still alive --drain-timeout after its signal: SIGKILL to its whole process group.</summary>
    private static GenerationState OnDrainDeadline(GenerationState state, ImmutableArray<int> pids, ImmutableArray<StarterCommand>.Builder commands)
    {
        var overdue = state.Old.Where(o => o.Retirement == Retirement.Signalled && pids.Contains(o.Worker.Pid))
            .Select(o => new Overdue(o.Worker))
            .Concat(OverdueLeftovers(state, l => pids.Contains(l.Pgid)))
            .ToImmutableArray();
        return Kill(state, overdue, commands);
    }

    /// <summary>Something alive at a deadline: a worker, or (<paramref name="LeaderGone"/>) what it left of its process group.</summary>
    private sealed record Overdue(Worker Worker, bool LeaderGone = false);

    private static IEnumerable<Overdue> OverdueLeftovers(GenerationState state, Func<LeftoverGroup, bool> which) =>
        state.Leftovers.Where(l => !l.Killed && which(l)).Select(l => new Overdue(new Worker(l.Generation, l.Pgid), LeaderGone: true));

    private static GenerationState Kill(GenerationState state, ImmutableArray<Overdue> overdue, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (overdue.IsEmpty)
            return state;
        foreach (var (worker, leaderGone) in overdue)
            commands.Add(new Say(new KilledAtDeadline(worker.Pid, worker.Generation, state.Settings.DrainTimeout, leaderGone)));
        var pids = overdue.Select(o => o.Worker.Pid).ToImmutableArray();
        commands.Add(new SignalWorkers(pids, Signals.SignalNames.Kill, Group: true));
        return Mark(state, pids, Retirement.Killed) with
        {
            Leftovers = [.. state.Leftovers.Select(l => pids.Contains(l.Pgid) ? l with { Killed = true } : l)],
        };
    }

    /// <summary>
    /// A worker exited, but its process group lives on (a shell's background job, a forked child). Like
    /// systemd's stop of a unit, nothing of it may stay behind: the group gets the signal the worker got,
    /// unless it had it already, and SIGKILL at the drain deadline. A group that was sent SIGKILL already
    /// (<paramref name="groupKilled"/>) is only waited for: its members are dying.
    /// </summary>
    private static GenerationState AddLeftover(GenerationState state, int pgid, int generation, bool remains,
        bool groupSignalled, bool deadlineRunning, int signal, ImmutableArray<StarterCommand>.Builder commands, bool groupKilled = false)
    {
        if (!remains)
            return state;
        if (groupKilled)
            return state with { Leftovers = state.Leftovers.Add(new LeftoverGroup(pgid, generation, Killed: true)) };
        if (!groupSignalled)
        {
            commands.Add(new Say(new LeftoverSignalled(pgid, generation, signal)));
            commands.Add(new SignalWorkers([pgid], signal, Group: true));
        }
        if (!deadlineRunning && state.Settings.DrainTimeout > TimeSpan.Zero)
            commands.Add(new StartTimer(new DrainDeadlineDue([pgid]), state.Settings.DrainTimeout));
        return state with { Leftovers = state.Leftovers.Add(new LeftoverGroup(pgid, generation)) };
    }

    /// <summary>Whether the group <paramref name="pid"/> leads was sent SIGKILL at a drain deadline.</summary>
    private static bool GroupKilled(GenerationState state, int pid) =>
        state.Old.Any(o => o.Worker.Pid == pid && o.Retirement == Retirement.Killed);

    /// <summary>An orphan was reaped: perhaps the last of a leftover group.</summary>
    private static GenerationState ProbeLeftovers(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (!state.Leftovers.IsEmpty)
            commands.Add(new ProbeGroups([.. state.Leftovers.Select(l => l.Pgid)]));
        return state;
    }

    private static GenerationState OnGroupGone(GenerationState state, int pgid, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (!state.Leftovers.Any(l => l.Pgid == pgid))
            return state;
        return ExitIfDone(state with { Leftovers = state.Leftovers.RemoveAll(l => l.Pgid == pgid) }, commands);
    }

    /// <summary>The state without this worker. Its slot stays, empty.</summary>
    private static GenerationState Without(GenerationState state, int pid) => state with
    {
        Current = state.Current is { } current
            ? current with { Slots = [.. current.Slots.Select(s => new PoolSlot(s.Serving?.Pid == pid ? null : s.Serving, s.Replacement?.Pid == pid ? null : s.Replacement))] }
            : null,
        Pending = PendingWithout(state.Pending, pid),
        Old = state.Old.RemoveAll(o => o.Worker.Pid == pid),
        WorkerStatus = state.WorkerStatus.Remove(pid),
    };

    /// <summary>
    /// Only while stopping does a member of a starting generation exit without failing it; the
    /// generation goes with its last live member.
    /// </summary>
    private static PendingGeneration? PendingWithout(PendingGeneration? pending, int pid)
    {
        if (pending is not { Failed: false } || pid <= 0 || !pending.Members.Any(m => m.Pid == pid))
            return pending;
        var left = pending.Members.Select(m => m.Pid == pid ? m with { Pid = 0, Phase = MemberPhase.Queued } : m).ToImmutableArray();
        return left.Any(m => m.Pid > 0) ? pending with { Members = left } : null;
    }

    private static GenerationState Mark(GenerationState state, ImmutableArray<int> pids, Retirement retirement) => state with
    {
        Old = [.. state.Old.Select(o => pids.Contains(o.Worker.Pid) ? o with { Retirement = retirement } : o)],
    };
}
