using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>Stopping: every worker signalled, a deadline for all of them, exit once nothing is left.</summary>
internal static partial class GenerationMachine
{
    private static GenerationState OnTerminate(GenerationState state, int signal, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping)
        {
            commands.Add(new Say(new SignalIgnoredWhileStopping(signal)));
            return state;
        }
        // Server::Starter: TERM forwards --signal-on-term; INT (and anything else) forwards TERM.
        int send = signal == Signals.SignalNames.Term ? state.Settings.SignalOnTerm : Signals.SignalNames.Term;
        commands.Add(new Say(new Terminating(signal, send, state.Roster.LivePids)));
        return StopAll(state, send, commands);
    }

    /// <summary>
    /// At first start, with nothing serving, a failure no retry can fix (the command cannot be executed): said in
    /// one line, told to a waiting --daemonize launcher, and StarterHost stops whatever it started and exits 1.
    /// </summary>
    private static GenerationState GiveUp(GenerationState state, AttemptFailed failure, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new Say(new StartGivenUp(failure)));
        commands.Add(new ReportStartFailure(failure, GivenUp: true));
        var counted = state with
        {
            Counters = state.Counters with { Failures = state.Counters.Failures + 1, FailedStarts = state.Counters.FailedStarts + 1 },
            Failures = state.Failures with { Last = failure, PermanentExec = null },
        };
        return StopAll(counted, state.Settings.SignalOnTerm, commands, exitCode: 1);
    }

    /// <summary>Every worker, and what any left of its group, gets <paramref name="send"/>; a deadline for all of them; exit once nothing is left.</summary>
    private static GenerationState StopAll(GenerationState state, int send, ImmutableArray<StarterCommand>.Builder commands, int exitCode = 0)
    {
        // A running check's whole process group gets SIGKILL: nothing waits for a check.
        if (state.Check is { Running: true, Pid: > 0 } run)
            commands.Add(new SignalWorkers([run.Pid], Signals.SignalNames.Kill, Group: true));
        var roster = state.Roster;
        var pids = roster.LivePids;
        commands.Add(new ReportStopping());
        if (pids.Length > 0)
            commands.Add(new SignalWorkers(pids, send, state.Settings.SignalGroup));
        if (!roster.Leftovers.IsEmpty)
            commands.Add(new SignalWorkers([.. roster.Leftovers.Select(l => l.Pgid)], send, Group: true));
        if (roster.AnythingAlive && state.Settings.DrainTimeout > TimeSpan.Zero)
        {
            commands.Add(new StartTimer(new StopDeadlineDue(), state.Settings.DrainTimeout));
            ExtendStop(new StopProgressDue(StopProgressStep, state.Settings.DrainTimeout), commands);
        }
        // STOPPING=1 ends a reload under way as well: systemd leaves "reloading" for "deactivating".
        var stopping = state with
        {
            Stop = new StopRun(send, exitCode),
            Roster = roster with { RestartQueued = false },
            Publication = state.Publication with { ReloadAnnounced = false },
        };
        return ExitIfDone(stopping, commands);
    }

    /// <summary>The stop's drain deadline: whatever of any worker is still alive gets SIGKILL, group and all.</summary>
    private static GenerationState OnStopDeadline(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stop is not { } stop)
            return state;
        var killed = state.Roster.Old.Where(o => o.Retirement == Retirement.Killed).Select(o => o.Worker.Pid).ToHashSet();
        var alive = state.Roster.LiveWorkers.Where(w => !killed.Contains(w.Pid)).Select(w => new Overdue(w))
            .Concat(OverdueLeftovers(state, _ => true))
            .ToImmutableArray();
        return Kill(state with { Stop = stop with { DeadlinePassed = true } }, alive, commands);
    }

    private static GenerationState OnStopProgressDue(GenerationState state, StopProgressDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping && state.Roster.AnythingAlive && due.Left > TimeSpan.Zero)
            ExtendStop(due, commands);
        return state;
    }

    /// <summary>
    /// Asks for a few steps more than the next reminder needs, so a late timer does not let the service
    /// manager's stop timeout strike; never past what is left of the drain timeout.
    /// </summary>
    private static void ExtendStop(StopProgressDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        var by = due.Step * 3;
        commands.Add(new ExtendStopTimeout(by < due.Left ? by : due.Left));
        if (due.Left > due.Step)
            commands.Add(new StartTimer(due with { Left = due.Left - due.Step }, due.Step));
    }

    private static GenerationState ExitIfDone(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stop is not { } stop || state.Roster.AnythingAlive)
            return state;
        commands.Add(new Say(new Exiting()));
        commands.Add(new Exit(stop.ExitCode));
        return state with { Roster = state.Roster with { Pending = null, Respawn = null } };
    }

    private static readonly TimeSpan StopProgressStep = TimeSpan.FromSeconds(5);
}
