using System.Collections.Immutable;
using System.Globalization;
using StarterHost.Workers;

namespace StarterHost.Generations;

/// <summary>
/// A check command run before a requested restart (<c>--check-command</c>): the run of one check, numbered so
/// that a timer of an earlier run cannot touch a later one. It is kept after it ends, for its number.
/// </summary>
internal sealed record CheckRun(int Serial, int Generation, int Pid = 0, bool Running = true, bool TimedOut = false, bool HangupAgain = false);

/// <summary>Run the check command for the restart to <paramref name="Generation"/>; answered by CheckStarted or CheckNotStarted.</summary>
internal sealed record RunCheck(int Serial, int Generation) : StarterCommand;

/// <summary>The check command runs as <paramref name="Pid"/>, leading a process group of its own.</summary>
internal sealed record CheckStarted(int Serial, int Pid) : StarterEvent;

internal sealed record CheckNotStarted(int Serial, string Reason) : StarterEvent;

/// <summary>
/// The check command exited (reaped); <paramref name="Output"/> is the end of what it wrote.
/// <paramref name="GroupRemains"/>: it left processes in its group.
/// </summary>
internal sealed record CheckFinished(int Pid, WaitStatus Status, string Output, bool GroupRemains = false) : StarterEvent;

/// <summary>The check command of run <paramref name="Serial"/> has had <c>--check-timeout</c>.</summary>
internal sealed record CheckTimeoutDue(int Serial) : StarterEvent;

internal sealed record CheckRunning(int Generation) : Notice;

internal sealed record CheckQueued : Notice;

internal sealed record CheckPassed(int Generation) : Notice;

internal sealed record CheckTimedOut(int Pid, TimeSpan Timeout) : Notice;

internal sealed record CheckRefused(int Generation, RestartRefused Reason) : Notice;

/// <summary>
/// HUP → run the check → spawn, or refuse: the old generation serves on, and the reason is logged, shown
/// in STATUS= and written for a waiting --restart or --reload. The check runs as a process like a worker
/// (the loop never waits for it): its start, its exit and its time limit come back as events.
/// </summary>
internal static partial class GenerationMachine
{
    /// <summary>A requested restart (a HUP now, or one queued while a generation started): checked first when asked to.</summary>
    private static GenerationState RestartRequested(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (!state.Settings.CheckBeforeRestart)
            return Reload(state, commands);
        if (state.Check is { Running: true } running)
        {
            // What is being checked may be older than what the HUP is about: check again once this run ends.
            commands.Add(new Say(new CheckQueued()));
            return state with { Check = running with { HangupAgain = true } };
        }
        int serial = (state.Check?.Serial ?? 0) + 1, generation = state.Roster.LastGeneration + 1;
        commands.Add(new Say(new CheckRunning(generation)));
        commands.Add(new RunCheck(serial, generation));
        commands.Add(new StartTimer(new CheckTimeoutDue(serial), state.Settings.CheckTimeout));
        // A refusal of an earlier run is no longer the news: the next outcome is written afresh.
        return state with { Check = new CheckRun(serial, generation), Failures = state.Failures with { RestartFailure = null } };
    }

    /// <summary>
    /// One restart at a time. The code may have changed since the starting generation was spawned, so one
    /// more restart follows it; further HUPs fold into that one.
    /// </summary>
    private static GenerationState QueueRestart(GenerationState state, int starting, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new Say(new HangupQueued(starting)));
        return state with { Roster = state.Roster with { RestartQueued = true } };
    }

    /// <summary>The requested restart begins: RELOADING=1 goes out once the status file shows it.</summary>
    private static GenerationState Reload(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new Say(new HangupSpawning()));
        return Restart(Announce(state with { Publication = state.Publication with { ReloadAnnounced = true } }, ServiceReport.Reloading), commands);
    }

    private static GenerationState OnCheckStarted(GenerationState state, CheckStarted started) =>
        state.Check is { Running: true } run && run.Serial == started.Serial ? state with { Check = run with { Pid = started.Pid } } : state;

    private static GenerationState OnCheckNotStarted(GenerationState state, CheckNotStarted failed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Check is not { Running: true } run || run.Serial != failed.Serial)
            return state;
        commands.Add(new CancelTimer(new CheckTimeoutDue(run.Serial)));
        return Concluded(state with { Check = run with { Running = false } }, run, new CheckNotRun(failed.Reason), commands);
    }

    private static GenerationState OnCheckTimeout(GenerationState state, CheckTimeoutDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Check is not { Running: true, Pid: > 0 } run || run.Serial != due.Serial)
            return state;
        commands.Add(new Say(new CheckTimedOut(run.Pid, state.Settings.CheckTimeout)));
        commands.Add(new SignalWorkers([run.Pid], Signals.SignalNames.Kill, Group: true));
        return state with { Check = run with { TimedOut = true } };
    }

    private static GenerationState OnCheckFinished(GenerationState state, CheckFinished finished, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Check is not { Running: true } run || run.Pid != finished.Pid)
            return state;
        var next = state with { Check = run with { Running = false } };
        if (!run.TimedOut)
            commands.Add(new CancelTimer(new CheckTimeoutDue(run.Serial)));
        // A check leaves nothing running behind it.
        if (finished.GroupRemains)
            commands.Add(new SignalWorkers([run.Pid], Signals.SignalNames.Kill, Group: true));
        if (state.Stopping)
            return next;
        CheckFailure? failure = run.TimedOut ? new CheckTooSlow(state.Settings.CheckTimeout, finished.Output)
            : finished.Status.Raw == 0 ? null : new CheckExited(finished.Status, finished.Output);
        return Concluded(next, run, failure, commands);
    }

    /// <summary>The check is over: passed (<paramref name="failure"/> null) or not; or a HUP since asks for another run.</summary>
    private static GenerationState Concluded(GenerationState state, CheckRun run, CheckFailure? failure, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (run.HangupAgain)
            return RestartRequested(state, commands);
        if (failure is null)
        {
            commands.Add(new Say(new CheckPassed(run.Generation)));
            // A crashed worker is being replaced meanwhile: the restart waits for it, and is checked again after it.
            if (state.Roster.StartingGeneration is { } starting)
                return QueueRestart(state, starting, commands);
            return Reload(state, commands);
        }
        var reason = new RestartRefused(failure, state.Roster.Current?.Generation);
        commands.Add(new Say(new CheckRefused(run.Generation, reason)));
        return state with
        {
            Failures = state.Failures with { Last = reason, RestartFailure = new RestartFailure(run.Generation, reason) },
            Counters = state.Counters with { Failures = state.Counters.Failures + 1 },
        };
    }
}
