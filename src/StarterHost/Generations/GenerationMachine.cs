using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// start_server's restart logic, and what StarterHost adds to it, as a pure function:
/// (state, event) → (state, commands). No clock, no processes, no I/O: waits are
/// <see cref="StartTimer"/> commands whose events come back, and the result of a command that can
/// fail (a spawn, a status write) comes back as an event too. Split by concern: starting
/// (GenerationMachine.Starting.cs), the check command before a restart (.Checking.cs), failed starts
/// (.Failing.cs), crashes and their replacements, one worker's or a pool's (.Replacing.cs), recycling
/// (.Recycling.cs), retiring and deadlines (.Retiring.cs), stopping (.Stopping.cs); publishing the status
/// here. The state they share is split by concern too (GenerationState).
/// </summary>
internal static partial class GenerationMachine
{
    public static (GenerationState State, ImmutableArray<StarterCommand> Commands) Apply(GenerationState state, StarterEvent evt)
    {
        var commands = ImmutableArray.CreateBuilder<StarterCommand>();
        var next = evt switch
        {
            Started s => OnStarted(state, s, commands),
            HangupReceived => OnHangup(state, commands),
            TerminateReceived t => OnTerminate(state, t.Signal, commands),
            WorkerSpawned s => OnSpawned(state, s, commands),
            EnvDirRead r => state with { Settings = r.Settings },
            WorkerExecuted x => OnExecuted(state, x, commands),
            SpawnFailed f => OnSpawnFailed(state, f, commands),
            WorkerExited e => OnExited(state, e, commands),
            StartupIntervalElapsed i => OnIntervalElapsed(state, i, commands),
            StartTimeoutElapsed t => OnStartTimeout(state, t, commands),
            RetryDue r when state.Roster.Respawn is not null => OnRespawnDue(state, r, commands),
            RetryDue r => OnRetryDue(state, r.Generation, commands),
            SlotRetryDue r => OnSlotRetryDue(state, r, commands),
            GenerationStable g => OnGenerationStable(state, g.Generation, commands),
            WorkerStable w => OnWorkerStable(state, w.Pid),
            LifetimeElapsed l => OnLifetimeElapsed(state, l.Pid, commands),
            MemoryCheckDue => OnMemoryCheckDue(state, commands),
            MemoryMeasured m => OnMemoryMeasured(state, m, commands),
            WorkerNotified n => OnNotified(state, n, commands),
            WorkerSilent s => OnWorkerSilent(state, s, commands),
            ResizeRequested r => OnResizeRequested(state, r, commands),
            KillOldDelayElapsed k => OnKillOldDelayElapsed(state, k.Pids, commands),
            DrainDeadlineDue d => OnDrainDeadline(state, d.Pids, commands),
            StopDeadlineDue => OnStopDeadline(state, commands),
            GroupGone g => OnGroupGone(state, g.Pgid, commands),
            AutoRestartDue a => OnAutoRestartDue(state, a, commands),
            WatchdogDue w => OnWatchdogDue(state, w, commands),
            StopProgressDue p => OnStopProgressDue(state, p, commands),
            StatusWritten w => OnStatusWritten(state, w, commands),
            StatusWriteFailed f => OnStatusWriteFailed(state, f, commands),
            StatusRetryDue => OnStatusRetryDue(state, commands),
            CommandFailed f => OnCommandFailed(state, f, commands),
            CheckStarted c => OnCheckStarted(state, c),
            CheckNotStarted c => OnCheckNotStarted(state, c, commands),
            CheckFinished c => OnCheckFinished(state, c, commands),
            CheckTimeoutDue c => OnCheckTimeout(state, c, commands),
            LogReopenRequested => OnLogReopenRequested(state, commands),
            UpgradeRequested => OnUpgradeRequested(state, commands),
            UpgradeCheckFinished u => OnUpgradeCheckFinished(state, u, commands),
            UpgradeCheckTimeoutDue u => OnUpgradeCheckTimeout(state, u, commands),
            UpgradeQuiet => OnUpgradeQuiet(state, commands),
            UpgradeExecFailed u => OnUpgradeExecFailed(state, u, commands),
            UpgradeRestored u => OnUpgradeRestored(state, u, commands),
            UpgradeRolledBack u => OnUpgradeRolledBack(state, u, commands),
            _ => throw new ArgumentOutOfRangeException(nameof(evt), evt, "unknown event"),
        };
        next = AbandonUpgradeWhenStopping(next, commands);
        next = Publish(next, commands);
        ForgetGone(state, next, commands);
        // The exec is the last command: what Publish asked for is carried out first.
        var exec = commands.OfType<ExecUpgrade>().ToArray();
        foreach (var command in exec)
            commands.Remove(command);
        commands.AddRange(exec);
        return (next, commands.ToImmutable());
    }

    /// <summary>
    /// The order in which a batch of events that arrived together is applied. A stop comes first: when
    /// a worker's death and our own TERM are both waiting (a group signal, <c>timeout</c>, a terminal),
    /// restarting the worker only to kill it would be wasted; everything else keeps its order.
    /// </summary>
    public static IEnumerable<StarterEvent> InOrder(IEnumerable<StarterEvent> batch) =>
        batch.OrderBy(e => e is TerminateReceived ? 0 : 1);

    /// <summary>
    /// After every event: a status write when what the files should say has changed, STATUS= when what it
    /// says has changed, and the reports held until the files say what they announce, after STATUS=, so that
    /// whoever READY=1 releases (<c>systemctl reload</c>, say) reads why in <c>systemctl status</c>.
    /// </summary>
    private static GenerationState Publish(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        var publication = state.Publication;
        var document = state.StatusDocument;
        if (!document.Equals(publication.RequestedStatus))
        {
            commands.Add(new WriteStatus(document));
            publication = publication with { RequestedStatus = document };
        }
        var status = ServiceStatus.Of(state);
        if (!status.Equals(publication.ReportedStatus))
        {
            commands.Add(new ReportStatus(status));
            publication = publication with { ReportedStatus = status };
        }
        if (!publication.HeldReports.IsEmpty && document.Equals(publication.WrittenStatus))
        {
            commands.AddRange(publication.HeldReports.Select(held => held.ToCommand()));
            publication = publication with { HeldReports = [] };
        }
        return ReferenceEquals(publication, state.Publication) ? state : state with { Publication = publication };
    }

    /// <summary>
    /// READY=1 and RELOADING=1 go out only once the status file shows what they announce (what it shows
    /// once the event is handled, see <see cref="Publish"/>), so that a script run right after
    /// <c>systemctl start</c> or <c>reload</c> reads the new state.
    /// </summary>
    private static GenerationState Announce(GenerationState state, ServiceReport report, int generation = 0) =>
        state with { Publication = state.Publication with { HeldReports = state.Publication.HeldReports.Add(new HeldReport(report, generation)) } };

    private static GenerationState OnStatusWritten(GenerationState state, StatusWritten written, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Publication.StatusProblem is not null)
            commands.Add(new Say(new StatusWriteRecovered()));
        return state with { Publication = state.Publication with { WrittenStatus = written.Document, StatusProblem = null } };
    }

    /// <summary>Said once; tried again at the next change and on a timer until it works.</summary>
    private static GenerationState OnStatusWriteFailed(GenerationState state, StatusWriteFailed failed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Publication.StatusProblem is null)
        {
            commands.Add(new Say(new StatusWriteFailing(failed.Reason)));
            commands.Add(new StartTimer(new StatusRetryDue(), StatusRetryStep));
        }
        return state with { Publication = state.Publication with { StatusProblem = failed.Reason } };
    }

    private static GenerationState OnStatusRetryDue(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Publication.StatusProblem is null)
            return state;
        commands.Add(new StartTimer(new StatusRetryDue(), StatusRetryStep));
        // Forgetting what was asked makes Publish ask again.
        return state with { Publication = state.Publication with { RequestedStatus = null } };
    }

    private static GenerationState OnCommandFailed(GenerationState state, CommandFailed failed, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new Say(failed.Command is SignalWorkers { Pids: [var pid] } signal
            ? new SignalFailed(pid, signal.Signal, failed.Reason)
            : new CommandFaulted(failed.Command.GetType().Name, failed.Reason)));
        return state;
    }

    /// <summary>The loop is alive, whatever the phase: a hung loop is what the watchdog is for.</summary>
    private static GenerationState OnWatchdogDue(GenerationState state, WatchdogDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new PetWatchdog());
        commands.Add(new StartTimer(due, due.Period));
        return state;
    }

    private static readonly TimeSpan StatusRetryStep = TimeSpan.FromSeconds(1);
}
