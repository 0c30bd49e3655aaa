using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>Retiring workers: exits, signals, drain deadlines, and what a worker leaves of its process group.</summary>
internal static partial class GenerationMachine
{
    /// <summary>A child was reaped: whose it was decides what follows.</summary>
    private static GenerationState OnExited(GenerationState state, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Roster.GenerationOf(exited.Pid) is not { } generation)
            return ProbeLeftovers(state, commands);
        state = state with { Counters = state.Counters with { Exits = state.Counters.Exits.Counted(ExitReasonOf(state, exited.Pid)) } };
        var roster = state.Roster;
        if (state.Stopping)
            return OnExitedWhileStopping(state, generation, exited, commands);
        if (roster.PendingMember(exited.Pid) is { } member)
            return OnPendingExited(state, member, exited, commands);
        if (roster.ServingMember(exited.Pid) is { } serving)
            return OnServingExited(state, serving, exited, commands);
        if (roster.Replacement(exited.Pid) is { } replacement)
            return OnReplacementExited(state, replacement, exited, commands);
        return OnOldExited(state, roster.Old.First(o => o.Worker.Pid == exited.Pid), exited, commands);
    }

    /// <summary>Why a worker of the roster exited, decided before it leaves the roster: what it was asked, and whether its deadline passed.</summary>
    private static ExitReason ExitReasonOf(GenerationState state, int pid)
    {
        var old = state.Roster.Old.FirstOrDefault(o => o.Worker.Pid == pid);
        // Whether it went at the watchdog signal or at the KILL after it, the watchdog sent it.
        if (old is { Hung: true })
            return ExitReason.Watchdog;
        if (GroupKilled(state, pid) || state.Stop is { DeadlinePassed: true })
            return ExitReason.KilledAtDeadline;
        if (state.Stopping)
            return ExitReason.Exited;
        if (old is null)
            return ExitReason.Crashed;
        return old.Recycled ? ExitReason.Recycled : ExitReason.Exited;
    }

    private static GenerationState OnExitedWhileStopping(GenerationState state, int generation, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        var stop = state.Stop!;
        commands.Add(new Say(new WorkerDied(exited.Pid, exited.Status)));
        var stopped = AddLeftover(Without(state, exited.Pid), exited.Pid, generation, exited.GroupRemains,
            groupSignalled: state.Settings.SignalGroup, deadlineRunning: true, stop.Signal, commands,
            groupKilled: stop.DeadlinePassed || GroupKilled(state, exited.Pid));
        return ExitIfDone(stopped, commands);
    }

    private static GenerationState OnOldExited(GenerationState state, OldWorker old, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        int pid = exited.Pid;
        commands.Add(new Say(old.Served ? new OldWorkerDied(pid, exited.Status) : new WorkerDied(pid, exited.Status)));
        bool signalled = old.Retirement is Retirement.Signalled or Retirement.Killed;
        var next = AddLeftover(Without(state, pid), pid, old.Worker.Generation, exited.GroupRemains,
            groupSignalled: signalled && state.Settings.SignalGroup, deadlineRunning: signalled,
            old.Served ? state.Settings.SignalOnHup : state.Settings.SignalOnTerm, commands,
            groupKilled: old.Retirement == Retirement.Killed);
        if (next.Roster.AutoRestartOverdue && next.Roster.Old.IsEmpty && next.Roster.StartingGeneration is null)
        {
            commands.Add(new Say(new AutoRestartTriggered(next.Settings.AutoRestartInterval, Forced: false)));
            return Restart(next, commands);
        }
        return next;
    }

    private static GenerationState RetireOrSchedule(GenerationState state, ImmutableArray<int> pids, ImmutableArray<StarterCommand>.Builder commands)
    {
        var delay = state.Settings.KillOldDelay;
        if (delay > TimeSpan.Zero)
        {
            commands.Add(new Say(new SleepingBeforeKill(delay)));
            commands.Add(new StartTimer(new KillOldDelayElapsed(pids), delay));
            return state with { Roster = state.Roster.Marked(pids, Retirement.Scheduled) };
        }
        return SignalOld(state, pids, commands);
    }

    private static GenerationState OnKillOldDelayElapsed(GenerationState state, ImmutableArray<int> pids, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping)
            return state;
        var due = state.Roster.Old.Where(o => o.Retirement == Retirement.Scheduled && pids.Contains(o.Worker.Pid))
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
        if (state.Roster.OldStillServing.FirstOrDefault(o => o.Worker.Slot == slot) is not { } old)
            return state;
        commands.Add(new Say(new NewWorkerRunning(state.Settings.SignalOnHup, [old.Worker.Pid])));
        return RetireOrSchedule(state, [old.Worker.Pid], commands);
    }

    /// <summary>A worker that never served (its generation never started): stopped, with the drain deadline.</summary>
    private static GenerationState StopNewWorker(GenerationState state, Worker worker, int signal, ImmutableArray<StarterCommand>.Builder commands) =>
        SignalRetiring(state with { Roster = state.Roster with { Old = state.Roster.Old.Add(new OldWorker(worker, Retirement.Waiting, Served: false)) } },
            [worker.Pid], signal, commands);

    /// <summary>Signals workers on their way out and starts their drain deadline.</summary>
    private static GenerationState SignalRetiring(GenerationState state, ImmutableArray<int> pids, int signal, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (pids.IsEmpty)
            return state;
        commands.Add(new SignalWorkers(pids, signal, state.Settings.SignalGroup));
        if (state.Settings.DrainTimeout > TimeSpan.Zero)
            commands.Add(new StartTimer(new DrainDeadlineDue(pids), state.Settings.DrainTimeout));
        return state with { Roster = state.Roster.Marked(pids, Retirement.Signalled) };
    }

    /// <summary>Whatever of these is still alive --drain-timeout after its signal: SIGKILL to its whole process group.</summary>
    private static GenerationState OnDrainDeadline(GenerationState state, ImmutableArray<int> pids, ImmutableArray<StarterCommand>.Builder commands)
    {
        var overdue = state.Roster.Old.Where(o => o.Retirement == Retirement.Signalled && pids.Contains(o.Worker.Pid))
            .Select(o => new Overdue(o.Worker))
            .Concat(OverdueLeftovers(state, l => pids.Contains(l.Pgid)))
            .ToImmutableArray();
        return Kill(state, overdue, commands);
    }

    /// <summary>Something alive at a deadline: a worker, or (<paramref name="LeaderGone"/>) what it left of its process group.</summary>
    private sealed record Overdue(Worker Worker, bool LeaderGone = false);

    private static IEnumerable<Overdue> OverdueLeftovers(GenerationState state, Func<LeftoverGroup, bool> which) =>
        state.Roster.Leftovers.Where(l => !l.Killed && which(l)).Select(l => new Overdue(new Worker(l.Generation, l.Pgid), LeaderGone: true));

    private static GenerationState Kill(GenerationState state, ImmutableArray<Overdue> overdue, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (overdue.IsEmpty)
            return state;
        foreach (var (worker, leaderGone) in overdue)
            commands.Add(new Say(new KilledAtDeadline(worker.Pid, worker.Generation, state.Settings.DrainTimeout, leaderGone)));
        var pids = overdue.Select(o => o.Worker.Pid).ToImmutableArray();
        commands.Add(new SignalWorkers(pids, Signals.SignalNames.Kill, Group: true));
        var roster = state.Roster.Marked(pids, Retirement.Killed);
        return state with { Roster = roster with { Leftovers = [.. roster.Leftovers.Select(l => pids.Contains(l.Pgid) ? l with { Killed = true } : l)] } };
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
        var leftovers = state.Roster.Leftovers;
        if (groupKilled)
            return state with { Roster = state.Roster with { Leftovers = leftovers.Add(new LeftoverGroup(pgid, generation, Killed: true)) } };
        if (!groupSignalled)
        {
            commands.Add(new Say(new LeftoverSignalled(pgid, generation, signal)));
            commands.Add(new SignalWorkers([pgid], signal, Group: true));
        }
        if (!deadlineRunning && state.Settings.DrainTimeout > TimeSpan.Zero)
            commands.Add(new StartTimer(new DrainDeadlineDue([pgid]), state.Settings.DrainTimeout));
        return state with { Roster = state.Roster with { Leftovers = leftovers.Add(new LeftoverGroup(pgid, generation)) } };
    }

    /// <summary>Whether the group <paramref name="pid"/> leads was sent SIGKILL at a drain deadline.</summary>
    private static bool GroupKilled(GenerationState state, int pid) =>
        state.Roster.Old.Any(o => o.Worker.Pid == pid && o.Retirement == Retirement.Killed);

    /// <summary>An orphan was reaped: perhaps the last of a leftover group.</summary>
    private static GenerationState ProbeLeftovers(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (!state.Roster.Leftovers.IsEmpty)
            commands.Add(new ProbeGroups([.. state.Roster.Leftovers.Select(l => l.Pgid)]));
        return state;
    }

    private static GenerationState OnGroupGone(GenerationState state, int pgid, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (!state.Roster.Leftovers.Any(l => l.Pgid == pgid))
            return state;
        return ExitIfDone(state with { Roster = state.Roster with { Leftovers = state.Roster.Leftovers.RemoveAll(l => l.Pgid == pgid) } }, commands);
    }

    /// <summary>The state without this worker: gone from the roster (its slot stays, empty), and what it last said forgotten.</summary>
    private static GenerationState Without(GenerationState state, int pid) => state with
    {
        Roster = state.Roster.Without(pid),
        Publication = state.Publication with { WorkerStatus = state.Publication.WorkerStatus.Remove(pid) },
    };
}
