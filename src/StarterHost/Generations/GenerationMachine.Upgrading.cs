using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// An upgrade of StarterHost itself in place (SIGUSR2), numbered so that a timer or a result of an earlier attempt
/// cannot touch a later one: <see cref="UpgradePhase.Checking"/> while the new file's <c>--upgrade-check</c> runs,
/// <see cref="UpgradePhase.Waiting"/> once it passed until nothing is starting, <see cref="UpgradePhase.Executing"/>
/// once the exec was asked for. <paramref name="Version"/> is what the new file said it is.
/// </summary>
internal sealed record UpgradeRun(int Attempt, UpgradePhase Phase, string? Version = null);

internal enum UpgradePhase
{
    Checking,
    Waiting,
    Executing,
}

/// <summary>Run the new file with <c>--upgrade-check</c>; answered by <see cref="UpgradeCheckFinished"/>.</summary>
internal sealed record RunUpgradeCheck(int Attempt) : StarterCommand;

/// <summary>The check of this attempt took too long: kill it (its exit is then ignored).</summary>
internal sealed record StopUpgradeCheck(int Attempt) : StarterCommand;

/// <summary>Hand the state over and exec the new file. Returns only when the exec failed (<see cref="UpgradeExecFailed"/>).</summary>
internal sealed record ExecUpgrade(int Attempt, string Version) : StarterCommand;

/// <summary>Tell a waiting <c>--upgrade</c> client how the attempt ended.</summary>
internal sealed record ReportUpgrade(int Attempt, bool Succeeded, string Text) : StarterCommand;

/// <summary>SIGUSR2.</summary>
internal sealed record UpgradeRequested : StarterEvent;

/// <summary>The new file's check exited: <paramref name="Version"/> when it can take this state over, else <paramref name="Refusal"/>.</summary>
internal sealed record UpgradeCheckFinished(int Attempt, string? Version, string? Refusal) : StarterEvent;

/// <summary>The check of <paramref name="Attempt"/> has run for <see cref="GenerationMachine.UpgradeCheckTimeout"/>.</summary>
internal sealed record UpgradeCheckTimeoutDue(int Attempt) : StarterEvent;

/// <summary>Everything that arrived has been handled: the supervisor asks whether a waiting upgrade may exec now.</summary>
internal sealed record UpgradeQuiet : StarterEvent;

internal sealed record UpgradeExecFailed(int Attempt, string Reason) : StarterEvent;

/// <summary>In the new image, once it has taken the state over and supervises.</summary>
/// <param name="Took">From the old image's exec until this image supervises, when the old image said when it exec'd.</param>
internal sealed record UpgradeRestored(int Attempt, string Version, TimeSpan? Took = null) : StarterEvent;

/// <summary>In the old image, executed again because the new one could not take the state over.</summary>
internal sealed record UpgradeRolledBack(int Attempt, string Reason) : StarterEvent;

internal sealed record UpgradeChecking(int Attempt) : Notice;

internal sealed record UpgradeAlreadyRunning(int Attempt) : Notice;

internal sealed record UpgradeWaits(string Version) : Notice;

internal sealed record UpgradeExecuting(string Version) : Notice;

internal sealed record UpgradeRefused(string Reason) : Notice;

internal sealed record UpgradeDone(string Version, int Upgrades, TimeSpan? Took = null) : Notice;

internal sealed record UpgradeWasRolledBack(string Reason) : Notice;

internal static partial class GenerationMachine
{
    /// <summary>How long the new file's <c>--upgrade-check</c> may take before the upgrade is refused.</summary>
    public static readonly TimeSpan UpgradeCheckTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// One upgrade at a time (a second USR2 is told it is under way). A restart in progress is not interrupted: the
    /// check runs meanwhile, and the exec waits only for what cannot cross it (<see cref="QuietForExec"/>); the new
    /// image finishes the restart. A HUP that comes during the upgrade starts its restart as usual; one that comes
    /// during the exec itself stays pending in the kernel and is the new image's.
    /// </summary>
    private static GenerationState OnUpgradeRequested(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Upgrade is { } running)
        {
            commands.Add(new Say(new UpgradeAlreadyRunning(running.Attempt)));
            return state;
        }
        int attempt = state.Counters.UpgradeAttempts + 1;
        var next = state with { Counters = state.Counters with { UpgradeAttempts = attempt } };
        if (state.Stopping)
            return RefuseUpgrade(next, attempt, "StarterHost is stopping", commands);
        commands.Add(new Say(new UpgradeChecking(attempt)));
        commands.Add(new RunUpgradeCheck(attempt));
        commands.Add(new StartTimer(new UpgradeCheckTimeoutDue(attempt), UpgradeCheckTimeout));
        return next with { Upgrade = new UpgradeRun(attempt, UpgradePhase.Checking) };
    }

    private static GenerationState OnUpgradeCheckFinished(GenerationState state, UpgradeCheckFinished finished, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Upgrade is not { Phase: UpgradePhase.Checking } run || run.Attempt != finished.Attempt)
            return state;
        commands.Add(new CancelTimer(new UpgradeCheckTimeoutDue(run.Attempt)));
        if (finished.Version is not { } version)
            return RefuseUpgrade(state, run.Attempt, finished.Refusal ?? "the new file's --upgrade-check failed", commands);
        var next = state with { Upgrade = run with { Phase = UpgradePhase.Waiting, Version = version } };
        if (!QuietForExec(next))
            commands.Add(new Say(new UpgradeWaits(version)));
        return next;
    }

    private static GenerationState OnUpgradeCheckTimeout(GenerationState state, UpgradeCheckTimeoutDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Upgrade is not { Phase: UpgradePhase.Checking } run || run.Attempt != due.Attempt)
            return state;
        commands.Add(new StopUpgradeCheck(run.Attempt));
        return RefuseUpgrade(state, run.Attempt,
            $"the new file's --upgrade-check did not answer within {UpgradeCheckTimeout.TotalSeconds:0} s", commands);
    }

    /// <summary>The exec is the last thing this image does: asked for only once every event that arrived has been handled.</summary>
    private static GenerationState OnUpgradeQuiet(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Upgrade is not { Phase: UpgradePhase.Waiting, Version: { } version } run || !QuietForExec(state))
            return state;
        commands.Add(new Say(new UpgradeExecuting(version)));
        commands.Add(new ExecUpgrade(run.Attempt, version));
        return state with { Upgrade = run with { Phase = UpgradePhase.Executing } };
    }

    private static GenerationState OnUpgradeExecFailed(GenerationState state, UpgradeExecFailed failed, ImmutableArray<StarterCommand>.Builder commands) =>
        state.Upgrade is { } run && run.Attempt == failed.Attempt ? RefuseUpgrade(state, run.Attempt, failed.Reason, commands) : state;

    private static GenerationState OnUpgradeRestored(GenerationState state, UpgradeRestored restored, ImmutableArray<StarterCommand>.Builder commands)
    {
        int upgrades = state.Counters.Upgrades + 1;
        commands.Add(new Say(new UpgradeDone(restored.Version, upgrades, restored.Took)));
        commands.Add(new ReportUpgrade(restored.Attempt, true, restored.Version));
        // The status files are written again by this image, whatever the old one had written last.
        return state with
        {
            Upgrade = null,
            Counters = state.Counters with { Upgrades = upgrades },
            Publication = state.Publication with { RequestedStatus = null },
        };
    }

    private static GenerationState OnUpgradeRolledBack(GenerationState state, UpgradeRolledBack rolledBack, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new Say(new UpgradeWasRolledBack(rolledBack.Reason)));
        commands.Add(new ReportUpgrade(rolledBack.Attempt, false, $"rolled back: {rolledBack.Reason}"));
        return state with { Upgrade = null, Publication = state.Publication with { RequestedStatus = null } };
    }

    /// <summary>A stop ends an upgrade that has not exec'd yet: the workers are going, there is nothing to hand over.</summary>
    private static GenerationState AbandonUpgradeWhenStopping(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (!state.Stopping || state.Upgrade is not { Phase: not UpgradePhase.Executing } run)
            return state;
        if (run.Phase == UpgradePhase.Checking)
        {
            commands.Add(new CancelTimer(new UpgradeCheckTimeoutDue(run.Attempt)));
            commands.Add(new StopUpgradeCheck(run.Attempt));
        }
        return RefuseUpgrade(state, run.Attempt, "StarterHost is stopping", commands);
    }

    private static GenerationState RefuseUpgrade(GenerationState state, int attempt, string reason, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new Say(new UpgradeRefused(reason)));
        commands.Add(new ReportUpgrade(attempt, false, reason));
        return state with { Upgrade = null };
    }

    /// <summary>
    /// Nothing holds what an exec would lose: no spawn whose result has not come back, no exec helper that has not
    /// reported its exec (its pipe), no check command running (its output). A worker that runs its own program and
    /// has not started yet crosses like any other: its notify socket is handed over, its --interval or
    /// --start-timeout is a timer, so the new image hears its READY=1 and finishes the restart. A drain, a backoff and
    /// the serving workers cross as state and timers too.
    /// </summary>
    public static bool QuietForExec(GenerationState state) =>
        !(state.Roster.Pending?.Members ?? []).Concat(state.Roster.Current?.Replacements ?? []).Any(m => m.Phase is MemberPhase.Spawning or MemberPhase.Execing)
        && state.Check is not { Running: true };
}
