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
                groupSignalled: state.Settings.SignalGroup, deadlineRunning: true, state.StopSignal, commands);
            return ExitIfDone(stopped, commands);
        }
        if (state.Pending is { Failed: false } pending && pending.Pid == pid)
            return OnPendingExited(state, pending, exited, commands);
        if (state.Current?.Pid == pid)
            return OnCurrentCrashed(state, generation, exited, commands);
        var old = state.Old.First(o => o.Worker.Pid == pid);
        commands.Add(new Say(old.Served ? new OldWorkerDied(pid, exited.Status) : new WorkerDied(pid, exited.Status)));
        bool signalled = old.Retirement is Retirement.Signalled or Retirement.Killed;
        var next = AddLeftover(Without(state, pid), pid, generation, exited.GroupRemains,
            groupSignalled: signalled && state.Settings.SignalGroup, deadlineRunning: signalled,
            old.Served ? state.Settings.SignalOnHup : state.Settings.SignalOnTerm, commands);
        if (next.AutoRestartOverdue && next.Old.IsEmpty && next.Pending is null)
        {
            commands.Add(new Say(new AutoRestartTriggered(next.Settings.AutoRestartInterval, Forced: false)));
            return Restart(next, commands);
        }
        return next;
    }

    /// <summary>
    /// Server::Starter: a worker that exits before it counts as started failed to start, whatever its
    /// exit status; the next attempt takes the next generation number.
    /// </summary>
    private static GenerationState OnPendingExited(GenerationState state, PendingWorker pending, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        bool notify = state.Settings.Readiness == ReadinessMode.Notify;
        string how = notify ? "before sending READY=1" : "within the interval";
        string kind = $"failed to start: its worker exited {how}, status:{exited.Status}";
        if (RepeatsOf(state, kind) <= LoudRepeats)
            commands.Add(new Say(new NewWorkerFailed(pending.Pid, exited.Status)));
        var next = Failed(state, kind, commands, $"failed to start: worker {pending.Pid} exited {how}, status:{exited.Status}");
        next = AddLeftover(next with { WorkerStatus = next.WorkerStatus.Remove(pending.Pid) }, pending.Pid, pending.Generation, exited.GroupRemains,
            groupSignalled: false, deadlineRunning: false, state.Settings.SignalOnTerm, commands);
        // Interval readiness retries once the interval is over, as start_server does; notify has no interval to wait for.
        return notify && next.Pending is not null ? ScheduleRetry(next, TimeSpan.Zero, commands) : next;
    }

    /// <summary>
    /// Server::Starter: a current worker that dies is replaced at once. Unless it had not yet served a
    /// second: then it counts as one more failed start, and the replacement waits out the backoff, or a
    /// worker that exits at once with --interval=0 (accepted before its exit is seen) would be respawned
    /// in a tight loop.
    /// </summary>
    private static GenerationState OnCurrentCrashed(GenerationState state, int generation, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        int pid = exited.Pid;
        string kind = $"died unexpectedly, status:{exited.Status}";
        int repeats = RepeatsOf(state, kind);
        if (repeats <= LoudRepeats)
            commands.Add(new Say(new WorkerDiedUnexpectedly(pid, exited.Status)));
        var crashed = Without(state, pid) with
        {
            ConsecutiveFailures = state.ConsecutiveFailures + 1,
            FailureRepeats = repeats,
            LastFailureKind = kind,
            LastFailure = $"generation {generation} worker {pid} died unexpectedly, status:{exited.Status}",
            // The generation that died stands in for the one to come until the retry spawns it.
            Pending = new PendingWorker(generation, 0, SpawnReason.Crash, Failed: true),
        };
        crashed = AddLeftover(crashed, pid, generation, exited.GroupRemains,
            groupSignalled: false, deadlineRunning: false, state.Settings.SignalOnHup, commands);
        return ScheduleRetry(crashed, TimeSpan.Zero, commands);
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
            .Select(o => o.Worker)
            .Concat(state.Leftovers.Where(l => !l.Killed && pids.Contains(l.Pgid)).Select(l => new Worker(l.Generation, l.Pgid)))
            .ToImmutableArray();
        return Kill(state, overdue, commands);
    }

    private static GenerationState Kill(GenerationState state, ImmutableArray<Worker> overdue, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (overdue.IsEmpty)
            return state;
        foreach (var worker in overdue)
            commands.Add(new Say(new KilledAtDeadline(worker.Pid, worker.Generation, state.Settings.DrainTimeout)));
        var pids = overdue.Select(w => w.Pid).ToImmutableArray();
        commands.Add(new SignalWorkers(pids, Signals.SignalNames.Kill, Group: true));
        return Mark(state, pids, Retirement.Killed) with
        {
            Leftovers = [.. state.Leftovers.Select(l => pids.Contains(l.Pgid) ? l with { Killed = true } : l)],
        };
    }

    /// <summary>
    /// A worker exited, but its process group lives on (a shell's background job, a forked child). Like
    /// systemd's stop of a unit, nothing of it may stay behind: the group gets the signal the worker got,
    /// unless it had it already, and SIGKILL at the drain deadline.
    /// </summary>
    private static GenerationState AddLeftover(GenerationState state, int pgid, int generation, bool remains,
        bool groupSignalled, bool deadlineRunning, int signal, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (!remains)
            return state;
        if (!groupSignalled)
        {
            commands.Add(new Say(new LeftoverSignalled(pgid, generation, signal)));
            commands.Add(new SignalWorkers([pgid], signal, Group: true));
        }
        if (!deadlineRunning && state.Settings.DrainTimeout > TimeSpan.Zero)
            commands.Add(new StartTimer(new DrainDeadlineDue([pgid]), state.Settings.DrainTimeout));
        return state with { Leftovers = state.Leftovers.Add(new LeftoverGroup(pgid, generation)) };
    }

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

    private static GenerationState Without(GenerationState state, int pid) => state with
    {
        Current = state.Current?.Pid == pid ? null : state.Current,
        Pending = state.Pending?.Pid == pid ? null : state.Pending,
        Old = state.Old.RemoveAll(o => o.Worker.Pid == pid),
        WorkerStatus = state.WorkerStatus.Remove(pid),
    };

    private static GenerationState Mark(GenerationState state, ImmutableArray<int> pids, Retirement retirement) => state with
    {
        Old = [.. state.Old.Select(o => pids.Contains(o.Worker.Pid) ? o with { Retirement = retirement } : o)],
    };
}
