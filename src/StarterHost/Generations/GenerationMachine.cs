using System.Collections.Immutable;
using StarterHost.Signals;

namespace StarterHost.Generations;

/// <summary>
/// start_server's restart logic as a pure function: (state, event) → (state, commands).
/// No clock, no processes, no I/O: waits are <see cref="StartTimer"/> commands whose events come back.
/// </summary>
internal static class GenerationMachine
{
    public static (GenerationState State, ImmutableArray<StarterCommand> Commands) Apply(GenerationState state, StarterEvent evt)
    {
        var commands = ImmutableArray.CreateBuilder<StarterCommand>();
        var next = evt switch
        {
            Started => SpawnNext(state, SpawnReason.Initial, commands),
            HangupReceived => OnHangup(state, commands),
            TerminateReceived t => OnTerminate(state, t.Signal, commands),
            WorkerSpawned s => OnSpawned(state, s, commands),
            SpawnFailed f => OnSpawnFailed(state, f, commands),
            WorkerExited e => OnExited(state, e, commands),
            StartupIntervalElapsed i => OnIntervalElapsed(state, i.Generation, commands),
            KillOldDelayElapsed k => OnKillOldDelayElapsed(state, k.Pids, commands),
            AutoRestartDue a => OnAutoRestartDue(state, a, commands),
            WatchdogDue w => OnWatchdogDue(state, w, commands),
            StopProgressDue p => OnStopProgressDue(state, p, commands),
            _ => throw new ArgumentOutOfRangeException(nameof(evt), evt, "unknown event"),
        };
        next = WithStatus(next, commands);
        next = WithServiceStatus(next, commands);
        return (next, commands.ToImmutable());
    }

    private static GenerationState OnHangup(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Phase == Phase.Stopping)
        {
            commands.Add(new Say(new SignalIgnoredWhileStopping(SignalNames.Hup)));
            return state;
        }
        if (state.Pending is { } starting)
        {
            // One restart at a time. The code may have changed since the starting generation was
            // spawned, so one more restart follows it; further HUPs fold into that one.
            commands.Add(new Say(new HangupQueued(starting.Generation)));
            return state with { RestartQueued = true };
        }
        commands.Add(new Say(new HangupSpawning()));
        commands.Add(new ReportReloading());
        return Restart(state, commands);
    }

    private static GenerationState OnTerminate(GenerationState state, int signal, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Phase == Phase.Stopping)
        {
            commands.Add(new Say(new SignalIgnoredWhileStopping(signal)));
            return state;
        }
        // Server::Starter: TERM forwards --signal-on-term; INT (and anything else) forwards TERM.
        int send = signal == SignalNames.Term ? state.Settings.SignalOnTerm : SignalNames.Term;
        var pids = state.LivePids;
        commands.Add(new Say(new Terminating(signal, send, pids)));
        commands.Add(new ReportStopping());
        if (pids.Length > 0)
        {
            commands.Add(new SignalWorkers(pids, send));
            if (state.Settings.DrainTimeout > TimeSpan.Zero)
                ExtendStop(new StopProgressDue(StopProgressStep, state.Settings.DrainTimeout), commands);
        }
        var stopping = state with { Phase = Phase.Stopping, RestartQueued = false };
        return ExitIfDone(stopping, commands);
    }

    private static GenerationState OnSpawned(GenerationState state, WorkerSpawned spawned, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Pending?.Generation != spawned.Generation)
            return state;
        var next = state with
        {
            Pending = state.Pending with { Pid = spawned.Pid },
            Settings = spawned.Settings,
        };
        if (state.Phase == Phase.Stopping)
        {
            commands.Add(new SignalWorkers([spawned.Pid], SignalNames.Term));
            return next;
        }
        commands.Add(new StartTimer(new StartupIntervalElapsed(spawned.Generation), spawned.Settings.Interval));
        return next;
    }

    private static GenerationState OnSpawnFailed(GenerationState state, SpawnFailed failed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Pending?.Generation != failed.Generation)
            return state;
        // Retry when the interval would have ended, but never in a tight loop.
        var delay = state.Settings.Interval < MinimumRetryDelay ? MinimumRetryDelay : state.Settings.Interval;
        commands.Add(new StartTimer(new StartupIntervalElapsed(failed.Generation), delay));
        var next = state with
        {
            Pending = state.Pending with { Failed = true },
            LastFailure = $"generation {failed.Generation} could not be spawned: {failed.Reason}",
        };
        return ExitIfDone(next, commands);
    }

    private static GenerationState OnExited(GenerationState state, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        int pid = exited.Pid;
        if (state.Phase == Phase.Stopping)
        {
            if (!state.LivePids.Contains(pid))
                return state;
            commands.Add(new Say(new WorkerDied(pid, exited.Status)));
            return ExitIfDone(Without(state, pid), commands);
        }
        if (state.Pending is { Failed: false } pending && pending.Pid == pid)
        {
            // Server::Starter: a worker that exits within --interval failed to start, whatever its
            // exit status; the next attempt takes the next generation number.
            commands.Add(new Say(new NewWorkerFailed(pid, exited.Status)));
            return state with
            {
                Pending = pending with { Failed = true },
                LastFailure = $"generation {pending.Generation} failed to start: worker {pid} exited within the interval, status:{exited.Status}",
            };
        }
        if (state.Current?.Pid == pid)
        {
            commands.Add(new Say(new WorkerDiedUnexpectedly(pid, exited.Status)));
            var failure = $"generation {state.Current.Generation} worker {pid} died unexpectedly, status:{exited.Status}";
            return SpawnNext(state with { Current = null, LastFailure = failure }, SpawnReason.Crash, commands);
        }
        if (state.Old.Any(o => o.Worker.Pid == pid))
        {
            commands.Add(new Say(new OldWorkerDied(pid, exited.Status)));
            var next = Without(state, pid);
            if (next.AutoRestartOverdue && next.Old.IsEmpty && next.Pending is null)
            {
                commands.Add(new Say(new AutoRestartTriggered(next.Settings.AutoRestartInterval, Forced: false)));
                return Restart(next, commands);
            }
            return next;
        }
        return state;
    }

    private static GenerationState OnIntervalElapsed(GenerationState state, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Pending is not { } pending || pending.Generation != generation || state.Phase == Phase.Stopping)
            return state;
        if (pending.Failed)
            return SpawnNext(state, pending.Reason, commands);
        return Accept(state, pending, commands);
    }

    /// <summary>The pending generation has started: it becomes current and the ones it replaces are retired.</summary>
    private static GenerationState Accept(GenerationState state, PendingWorker pending, ImmutableArray<StarterCommand>.Builder commands)
    {
        int startedCount = state.StartedCount + 1;
        var current = new Worker(pending.Generation, pending.Pid);
        var next = state with
        {
            Current = current,
            Pending = null,
            StartedCount = startedCount,
            AutoRestartOverdue = false,
        };
        // Only now, with the sockets bound long ago and a worker that survived --interval, is the service ready.
        commands.Add(new ReportReady(current));
        if (next.Settings.AutoRestart)
            commands.Add(new StartTimer(new AutoRestartDue(startedCount, Forced: false), next.Settings.AutoRestartInterval));

        var replaced = next.Old.Where(o => o.Retirement == Retirement.Waiting).Select(o => o.Worker.Pid).ToImmutableArray();
        if (pending.Reason == SpawnReason.Restart)
            commands.Add(new Say(new NewWorkerRunning(next.Settings.SignalOnHup, replaced)));
        if (replaced.Length > 0 || pending.Reason == SpawnReason.Restart)
            next = RetireOrSchedule(next, replaced, commands);

        if (next.RestartQueued)
        {
            commands.Add(new Say(new HangupSpawning()));
            commands.Add(new ReportReloading());
            next = Restart(next with { RestartQueued = false }, commands);
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
        if (pids.Length > 0)
            commands.Add(new SignalWorkers(pids, state.Settings.SignalOnHup));
        return Mark(state, pids, Retirement.Signalled);
    }

    private static GenerationState OnAutoRestartDue(GenerationState state, AutoRestartDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Phase == Phase.Stopping || due.StartedCount != state.StartedCount || state.Pending is not null || !state.Settings.AutoRestart)
            return state;
        var interval = state.Settings.AutoRestartInterval;
        if (!due.Forced && !state.Old.IsEmpty)
        {
            // Server::Starter: wait for the old workers to go, but force the restart at twice the interval.
            commands.Add(new StartTimer(due with { Forced = true }, interval));
            return state with { AutoRestartOverdue = true };
        }
        commands.Add(new Say(new AutoRestartTriggered(interval, due.Forced)));
        return Restart(state, commands);
    }

    /// <summary>The loop is alive, whatever the phase: a hung loop is what the watchdog is for.</summary>
    private static GenerationState OnWatchdogDue(GenerationState state, WatchdogDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new PetWatchdog());
        commands.Add(new StartTimer(due, due.Period));
        return state;
    }

    private static GenerationState OnStopProgressDue(GenerationState state, StopProgressDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Phase == Phase.Stopping && state.LivePids.Length > 0 && due.Left > TimeSpan.Zero)
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

    private static GenerationState Restart(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        var next = state.Current is { } current
            ? state with { Current = null, Old = state.Old.Add(new OldWorker(current, Retirement.Waiting)) }
            : state;
        return SpawnNext(next with { AutoRestartOverdue = false }, SpawnReason.Restart, commands);
    }

    /// <summary>Server::Starter: every spawn attempt takes the next generation number.</summary>
    private static GenerationState SpawnNext(GenerationState state, SpawnReason reason, ImmutableArray<StarterCommand>.Builder commands)
    {
        int generation = state.LastGeneration + 1;
        commands.Add(new SpawnWorker(generation));
        return state with { LastGeneration = generation, Pending = new PendingWorker(generation, 0, reason) };
    }

    private static GenerationState ExitIfDone(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Phase != Phase.Stopping || state.LivePids.Length > 0)
            return state;
        commands.Add(new Say(new Exiting()));
        commands.Add(new Exit(0));
        return state with { Pending = null };
    }

    private static GenerationState Without(GenerationState state, int pid) => state with
    {
        Current = state.Current?.Pid == pid ? null : state.Current,
        Pending = state.Pending?.Pid == pid ? null : state.Pending,
        Old = state.Old.RemoveAll(o => o.Worker.Pid == pid),
    };

    private static GenerationState Mark(GenerationState state, ImmutableArray<int> pids, Retirement retirement) => state with
    {
        Old = [.. state.Old.Select(o => pids.Contains(o.Worker.Pid) ? o with { Retirement = retirement } : o)],
    };

    /// <summary>Appends a status-file write whenever what it would say has changed.</summary>
    private static GenerationState WithStatus(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        var entries = state.StatusEntries;
        if (entries.SequenceEqual(state.WrittenStatus))
            return state;
        commands.Add(new WriteStatus(entries));
        return state with { WrittenStatus = entries };
    }

    /// <summary>Appends a STATUS= report whenever what it would say has changed.</summary>
    private static GenerationState WithServiceStatus(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        string text = ServiceStatusText.Describe(state);
        if (text == state.ReportedStatus)
            return state;
        commands.Add(new ReportStatus(text));
        return state with { ReportedStatus = text };
    }

    private static readonly TimeSpan MinimumRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopProgressStep = TimeSpan.FromSeconds(5);
}
