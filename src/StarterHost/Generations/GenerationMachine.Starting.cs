using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>Starting generations: spawn, readiness, accept. A generation has started once every member has.</summary>
internal static partial class GenerationMachine
{
    private static GenerationState OnHangup(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping)
        {
            commands.Add(new Say(new SignalIgnoredWhileStopping(Signals.SignalNames.Hup)));
            return state;
        }
        if (state.Roster.StartingGeneration is { } starting)
            return QueueRestart(state, starting, commands);
        return RestartRequested(state, commands);
    }

    private static GenerationState OnSpawned(GenerationState state, WorkerSpawned spawned, ImmutableArray<StarterCommand>.Builder commands)
    {
        var roster = state.Roster;
        var member = roster.Pending is { } pending && pending.Generation == spawned.Generation && spawned.Slot < pending.Members.Length
            ? pending.Members[spawned.Slot]
            : roster.Current?.Slots.ElementAtOrDefault(spawned.Slot)?.Replacement;
        if (member is null && spawned.Slot >= state.WorkerCount && roster.GenerationOf(spawned.Pid) is null)
            return SpawnedForRetiredSlot(state, spawned, commands);
        if (member is not { Phase: MemberPhase.Spawning } || member.Generation != spawned.Generation)
            return state;
        var next = state;
        // After a few identical failures, a retry is worth a line only when it, too, fails differently.
        if (state.Failures.Repeats <= LoudRepeats)
            commands.Add(new Say(new StartingWorker(spawned.Pid, spawned.Generation, SlotLabel(state, spawned.Slot))));
        var started = member with { Pid = spawned.Pid, Phase = spawned.AwaitsExec ? MemberPhase.Execing : MemberPhase.Starting };
        if (roster.Pending is { Failed: true } failed && failed.Generation == spawned.Generation)
        {
            // Another member failed the generation before this spawn came back: it never serves.
            next = next with { Roster = roster with { Pending = failed.With(started) } };
            return StopNewWorker(next, started.Worker, next.Settings.SignalOnTerm, commands);
        }
        next = WithMember(next, started);
        if (state.Stopping)
        {
            commands.Add(new SignalWorkers([spawned.Pid], Signals.SignalNames.Term, next.Settings.SignalGroup));
            return next;
        }
        if (!spawned.AwaitsExec)
            StartClock(next.Settings, started, commands);
        return next;
    }

    /// <summary>
    /// TTOU took away the slot this spawn was for before it came back (the supervisor applies a spawn's result next,
    /// so only a machine fed otherwise sees this): the worker it started is stopped, never left running unknown.
    /// </summary>
    private static GenerationState SpawnedForRetiredSlot(GenerationState state, WorkerSpawned spawned, ImmutableArray<StarterCommand>.Builder commands)
    {
        var worker = new Worker(spawned.Generation, spawned.Pid, spawned.Slot);
        commands.Add(new Say(new SlotRetired(spawned.Slot, [spawned.Pid])));
        return StopNewWorker(state, worker, state.Settings.SignalOnTerm, commands);
    }

    /// <summary>
    /// The helper is the worker's program now: its --interval (or --start-timeout) starts here, not at the
    /// spawn, or a slow helper start (a JIT runtime on a loaded machine) would eat the interval and a worker
    /// that fails at once could count as started.
    /// </summary>
    private static GenerationState OnExecuted(GenerationState state, WorkerExecuted executed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if ((state.Roster.PendingMember(executed.Pid) ?? state.Roster.Replacement(executed.Pid)) is not { Phase: MemberPhase.Execing } member || state.Stopping)
            return state;
        if (executed.Failure is { } failure)
        {
            // At first start, a failure no retry can fix gives the start up once the helper has exited (OnPendingExited).
            if (executed.Permanent && state.Counters.Starts == 0)
                return state with { Failures = state.Failures with { PermanentExec = state.Failures.PermanentExec ?? new DoomedExec(member.Pid, failure) } };
            // Its exit follows; with no clock running, that exit is a failed start of its own.
            commands.Add(new Say(new CouldNotSpawn(member.Generation, failure)));
            return state;
        }
        var starting = member with { Phase = MemberPhase.Starting };
        StartClock(state.Settings, starting, commands);
        return WithMember(state, starting);
    }

    /// <summary>The time a new worker has: to survive (--interval), or to say READY=1 (--start-timeout).</summary>
    private static void StartClock(RuntimeSettings settings, Member member, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (settings.Readiness == ReadinessMode.Interval)
            commands.Add(new StartTimer(new StartupIntervalElapsed(member.Generation, member.Pid), settings.Interval));
        else if (settings.StartTimeout > TimeSpan.Zero)
            commands.Add(new StartTimer(new StartTimeoutElapsed(member.Generation, member.Pid), settings.StartTimeout));
    }

    private static GenerationState OnIntervalElapsed(GenerationState state, StartupIntervalElapsed elapsed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping)
            return state;
        // Server::Starter: a worker that died within --interval is retried once the interval is over.
        if (state.Roster.Pending is { Failed: true } failed && failed.Generation == elapsed.Generation)
            return failed.AwaitsIntervalOf == elapsed.Pid
                ? ScheduleRetry(state with { Roster = state.Roster with { Pending = failed with { AwaitsIntervalOf = 0 } } }, TimeSpan.Zero, commands)
                : state;
        if (state.Settings.Readiness != ReadinessMode.Interval)
            return state;
        return Started(state, state.Roster.PendingMember(elapsed.Pid) ?? state.Roster.Replacement(elapsed.Pid), elapsed.Generation, commands);
    }

    private static GenerationState OnNotified(GenerationState state, WorkerNotified notified, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Roster.GenerationOf(notified.Pid) is not { } generation)
            return state;
        var next = state;
        if (notified.Unshown > 0)
            commands.Add(new Say(new WorkerStatusesNotShown(notified.Pid, generation, notified.Unshown)));
        var said = state.Publication.WorkerStatus;
        if (notified.Status is { } text && said.GetValueOrDefault(notified.Pid) != text)
        {
            commands.Add(new Say(new WorkerSaid(notified.Pid, generation, text)));
            next = next with { Publication = next.Publication with { WorkerStatus = said.SetItem(notified.Pid, text) } };
        }
        if (notified.Ready && next.Settings.Readiness == ReadinessMode.Notify && !next.Stopping)
            next = Started(next, next.Roster.PendingMember(notified.Pid) ?? next.Roster.Replacement(notified.Pid), generation, commands);
        // After READY=1, which arms the watchdog: a ping in the same datagram counts.
        return notified.Watchdog == WatchdogMessage.None ? next : OnWatchdogMessage(next, notified, commands);
    }

    /// <summary>A new worker has started: a member of the starting generation, or a replacement in a serving one.</summary>
    private static GenerationState Started(GenerationState state, Member? member, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (member is not { Phase: MemberPhase.Execing or MemberPhase.Starting } || member.Generation != generation)
            return state;
        var ready = member with { Phase = MemberPhase.Ready };
        Watch(state.Settings, ready.Pid, commands);
        if (state.Roster.Pending?.Generation != generation)
            return ReplacementStarted(state, ready, commands);
        var next = WithMember(state, ready);
        // Rolling: capacity never dips, because each worker retires its slot's old one only once it has started.
        if (next.Settings.Handover == HandoverMode.Rolling)
            next = RetireSlot(next, ready.Slot, commands);
        var pending = next.Roster.Pending!;
        return pending.Members.All(m => m.Phase == MemberPhase.Ready) ? Accept(next, pending, commands) : next;
    }

    /// <summary>The pending generation has started: it becomes current and the ones it replaces are retired.</summary>
    private static GenerationState Accept(GenerationState state, PendingGeneration pending, ImmutableArray<StarterCommand>.Builder commands)
    {
        int starts = state.Counters.Starts + 1;
        var next = state with
        {
            Roster = state.Roster with
            {
                Current = new ServingGeneration(pending.Generation, [.. pending.Members.Select(m => new PoolSlot(m))]),
                Pending = null,
                AutoRestartOverdue = false,
            },
            Counters = state.Counters with { Starts = starts },
            Failures = state.Failures with { NextAttemptIn = null, RestartFailure = null },
            Publication = state.Publication with { ReloadAnnounced = false },
        };
        // Failures are forgotten once a generation has lived a second: at once when --interval proved as much.
        var stable = StableAfter(next.Settings);
        if (stable > TimeSpan.Zero)
            commands.Add(new StartTimer(new GenerationStable(pending.Generation), stable));
        else
            next = Stable(next);
        if (ServingProvenAtAcceptance(next.Settings))
            SayServing(next.Roster.Current!, commands);
        // Only now, with the sockets bound long ago and a generation that started, is the service ready. After a
        // failed reload's READY=1 this one is harmless: a retry that succeeds begins no second RELOADING=1.
        next = Announce(next, ServiceReport.Ready, pending.Generation);
        if (next.Settings.AutoRestart)
        {
            // The previous start's, when it is still armed, is moot now that the count it waits on has moved.
            commands.Add(new CancelTimer(new AutoRestartDue(starts - 1, Forced: false)));
            commands.Add(new CancelTimer(new AutoRestartDue(starts - 1, Forced: true)));
            commands.Add(new StartTimer(new AutoRestartDue(starts, Forced: false), next.Settings.AutoRestartInterval));
        }
        foreach (var member in pending.Members)
            next = StartLifetime(next, member.Pid, commands);

        // Rolling has retired each slot's old worker already; anything still waiting goes now.
        var replaced = next.Roster.Old.Where(o => o.Retirement == Retirement.Waiting).Select(o => o.Worker.Pid).ToImmutableArray();
        bool all = next.Settings.Handover == HandoverMode.All;
        if (pending.Reason == SpawnReason.Restart && (all || replaced.Length > 0))
            commands.Add(new Say(new NewWorkerRunning(next.Settings.SignalOnHup, replaced)));
        if (replaced.Length > 0 || (pending.Reason == SpawnReason.Restart && all))
            next = RetireOrSchedule(next, replaced, commands);

        if (next.Roster.RestartQueued)
            next = RestartRequested(next with { Roster = next.Roster with { RestartQueued = false } }, commands);
        return next;
    }

    private static TimeSpan StableAfter(RuntimeSettings settings) =>
        StablePeriod - (settings.Readiness == ReadinessMode.Interval ? settings.Interval : TimeSpan.Zero);

    private static GenerationState OnGenerationStable(GenerationState state, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Roster.Current is not { } current || current.Generation != generation || current.Slots.Any(s => s.Serving is null))
            return state;
        if (!ServingProvenAtAcceptance(state.Settings))
            SayServing(current, commands);
        return Stable(state);
    }

    /// <summary>
    /// "Serving" is said once something proves it: READY=1, or a second of life (--interval, or the wait for
    /// <see cref="GenerationStable"/>). An --interval below a second (0: none at all) proves nothing, and a
    /// worker that dies within that second counts as a failed start, not as a generation that served.
    /// </summary>
    private static bool ServingProvenAtAcceptance(RuntimeSettings settings) =>
        settings.Readiness == ReadinessMode.Notify || StableAfter(settings) <= TimeSpan.Zero;

    private static void SayServing(ServingGeneration current, ImmutableArray<StarterCommand>.Builder commands)
    {
        var pids = current.Serving.Select(m => m.Pid).ToImmutableArray();
        commands.Add(new Say(pids.Length == 1 ? new GenerationServing(current.Generation, pids[0]) : new PoolServing(current.Generation, pids)));
    }

    private static GenerationState Stable(GenerationState state) => state with { Failures = state.Failures.Forgotten() };

    private static GenerationState OnAutoRestartDue(GenerationState state, AutoRestartDue due, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping || due.StartedCount != state.Counters.Starts || state.Roster.StartingGeneration is not null || !state.Settings.AutoRestart)
            return state;
        var interval = state.Settings.AutoRestartInterval;
        if (!due.Forced && !state.Roster.Old.IsEmpty)
        {
            // Server::Starter: wait for the old workers to go, but force the restart at twice the interval.
            commands.Add(new StartTimer(due with { Forced = true }, interval));
            return state with { Roster = state.Roster with { AutoRestartOverdue = true } };
        }
        commands.Add(new Say(new AutoRestartTriggered(interval, due.Forced)));
        return Restart(state, commands);
    }

    /// <summary>
    /// The current generation's workers become old ones that serve until replaced. A replacement starting
    /// in one of its slots is stopped: the restart replaces its generation.
    /// </summary>
    private static GenerationState Restart(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        var roster = state.Roster;
        var next = state with
        {
            Roster = roster with
            {
                Current = null,
                AutoRestartOverdue = false,
                Old = roster.Current is { } serving ? roster.Old.AddRange(serving.Serving.Select(m => new OldWorker(m.Worker, Retirement.Waiting))) : roster.Old,
            },
            Counters = state.Counters with { Restarts = state.Counters.Restarts + 1 },
        };
        foreach (var replacement in roster.Current?.Replacements.Where(m => m.Pid > 0) ?? [])
        {
            commands.Add(new Say(new ReplacementStopped(replacement.Worker)));
            next = StopNewWorker(next, replacement.Worker, next.Settings.SignalOnTerm, commands);
        }
        return SpawnNext(next, SpawnReason.Restart, commands);
    }

    /// <summary>
    /// Server::Starter: every spawn attempt takes the next generation number. With --workers=N an attempt
    /// is N processes, one per slot, sharing that number.
    /// </summary>
    private static GenerationState SpawnNext(GenerationState state, SpawnReason reason, ImmutableArray<StarterCommand>.Builder commands)
    {
        int generation = state.Roster.LastGeneration + 1;
        var members = Enumerable.Range(0, state.WorkerCount).Select(slot => new Member(generation, slot, MemberPhase.Spawning)).ToImmutableArray();
        foreach (var member in members)
            commands.Add(new SpawnWorker(generation, member.Slot));
        return state with
        {
            Roster = state.Roster with { LastGeneration = generation, Pending = new PendingGeneration(generation, reason, members), Respawn = null },
            Failures = state.Failures with { NextAttemptIn = null },
        };
    }

    /// <summary>Puts a member back where it belongs: the starting generation, or its slot's replacement.</summary>
    private static GenerationState WithMember(GenerationState state, Member member) =>
        state.Roster.Pending is { } pending && pending.Generation == member.Generation
            ? state with { Roster = state.Roster with { Pending = pending.With(member) } }
            : WithReplacement(state, member);

    /// <summary>The slot a log line names: none with one worker per generation, as start_server has.</summary>
    private static int? SlotLabel(GenerationState state, int slot) => state.WorkerCount > 1 ? slot : null;

    private static Worker? Labelled(GenerationState state, Worker worker) => state.WorkerCount > 1 ? worker : null;

    /// <summary>Identical failures in a row that are logged in full; after that, only at powers of two.</summary>
    private const int LoudRepeats = 3;

    private static readonly TimeSpan MinimumRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long a generation must have served for its predecessors' failures to be forgotten.</summary>
    private static readonly TimeSpan StablePeriod = TimeSpan.FromSeconds(1);
}
