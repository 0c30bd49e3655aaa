using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// Failed starts: a member of the starting generation that exits, cannot be spawned or misses
/// --start-timeout fails the whole generation. What follows: backoff, bounded logs, a report to the
/// waiting client, and giving up after --max-start-failures.
/// </summary>
internal static partial class GenerationMachine
{
    private static GenerationState OnSpawnFailed(GenerationState state, SpawnFailed failed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Roster.Pending is not { } pending || pending.Generation != failed.Generation)
            return ReplacementSpawnFailed(state, failed, commands);
        if (state.Stopping && failed.Slot < pending.Members.Length)
        {
            // Nothing to wait for in that slot; the others that were spawned are stopping.
            var left = pending.Members.SetItem(failed.Slot, pending.Members[failed.Slot] with { Phase = MemberPhase.Queued });
            var stopping = left.Any(m => m.Pid > 0) ? pending with { Members = left } : null;
            return ExitIfDone(state with { Roster = state.Roster with { Pending = stopping } }, commands);
        }
        if (failed.Slot >= pending.Members.Length || pending.Failed || pending.Members[failed.Slot].Phase != MemberPhase.Spawning)
            return state;
        var failure = new AttemptFailed(failed.Generation, new NotSpawned(failed.Reason));
        if (failed.Permanent && state.Counters.Starts == 0)
        {
            var given = pending.With(pending.Members[failed.Slot] with { Phase = MemberPhase.Queued });
            return GiveUp(state with { Roster = state.Roster with { Pending = given } }, failure, commands);
        }
        SayUnlessRepeated(state, failure.Kind, new CouldNotSpawn(failed.Generation, failed.Reason), commands);
        var next = Failed(StopStartedMembers(state, except: 0, commands), failure, commands);
        return next.Roster.Pending is null ? next : ScheduleRetry(next, RetryFloor(state.Settings), commands);
    }

    /// <summary>Never a tight loop after a spawn that failed, whatever the backoff says: at least the interval, and a second.</summary>
    private static TimeSpan RetryFloor(RuntimeSettings settings) =>
        settings.Interval < MinimumRetryDelay ? MinimumRetryDelay : settings.Interval;

    /// <summary>
    /// Server::Starter: a worker that exits before it counts as started failed to start, whatever its
    /// exit status; the next attempt takes the next generation number.
    /// </summary>
    private static GenerationState OnPendingExited(GenerationState state, Member member, WorkerExited exited, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Failures.PermanentExec is { } doomed && doomed.Pid == member.Pid)
            return GiveUp(Without(state, member.Pid), new AttemptFailed(member.Generation, new NotSpawned(doomed.Reason)), commands);
        bool notify = state.Settings.Readiness == ReadinessMode.Notify;
        var failure = new AttemptFailed(member.Generation, new ExitedEarly(exited.Status, state.Settings.Readiness), member.Pid, SlotLabel(state, member.Slot));
        SayUnlessRepeated(state, failure.Kind, new NewWorkerFailed(member.Pid, exited.Status, Labelled(state, member.Worker)), commands);
        var next = StopStartedMembers(state, except: member.Pid, commands);
        next = Failed(next, failure, commands);
        next = next with { Publication = next.Publication with { WorkerStatus = next.Publication.WorkerStatus.Remove(member.Pid) } };
        next = AddLeftover(next, member.Pid, member.Generation, exited.GroupRemains,
            groupSignalled: false, deadlineRunning: false, state.Settings.SignalOnTerm, commands);
        if (next.Roster.Pending is not { } failed)
            return next;
        // Interval readiness retries once that worker's interval is over, as start_server does; notify has
        // no interval to wait for, and neither has a worker whose interval never began or had ended.
        return !notify && member.Phase == MemberPhase.Starting
            ? next with { Roster = next.Roster with { Pending = failed with { AwaitsIntervalOf = member.Pid } } }
            : ScheduleRetry(next, TimeSpan.Zero, commands);
    }

    /// <summary>Notify readiness: no READY=1 in time. The worker is stopped, the old generation serves on.</summary>
    private static GenerationState OnStartTimeout(GenerationState state, StartTimeoutElapsed elapsed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Stopping)
            return state;
        var timeout = state.Settings.StartTimeout;
        if (state.Roster.Replacement(elapsed.Pid) is { Phase: not MemberPhase.Ready } replacement && replacement.Generation == elapsed.Generation)
            return ReplacementTimedOut(state, replacement, commands);
        if (state.Roster.PendingMember(elapsed.Pid) is not { Phase: not MemberPhase.Ready } member || member.Generation != elapsed.Generation)
            return state;
        commands.Add(new Say(new StartTimedOut(member.Pid, member.Generation, timeout, SlotLabel(state, member.Slot))));
        // It never served, so the signal that stops a worker, not the one that retires it gracefully.
        var next = StopNewWorker(state, member.Worker, state.Settings.SignalOnTerm, commands);
        next = Failed(StopStartedMembers(next, except: member.Pid, commands), new AttemptFailed(member.Generation, new NotReady(timeout)), commands);
        return next.Roster.Pending is null ? next : ScheduleRetry(next, TimeSpan.Zero, commands);
    }

    /// <summary>
    /// The other live members of a generation that failed. Those not started are stopped (--signal-on-term).
    /// Those started may be accepting connections already: with --handover=all they are retired gracefully
    /// (--signal-on-hup); with rolling they have replaced old workers, so they serve on as old workers
    /// themselves, each retired once the next attempt's worker for its slot has started.
    /// </summary>
    private static GenerationState StopStartedMembers(GenerationState state, int except, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Roster.Pending is not { } pending)
            return state;
        var live = pending.Members.Where(m => m.Pid > 0 && m.Pid != except).ToList();
        var servingOn = state.Settings.Handover == HandoverMode.Rolling ? live.Where(m => m.Phase == MemberPhase.Ready).ToList() : [];
        var stopped = live.Except(servingOn).ToList();
        var next = state with { Roster = state.Roster with { Old = state.Roster.Old.AddRange(servingOn.Select(m => new OldWorker(m.Worker, Retirement.Waiting))) } };
        if (servingOn.Count > 0)
            commands.Add(new Say(new PoolMembersServeOn(pending.Generation, [.. servingOn.Select(m => m.Pid)])));
        if (stopped.Count > 0)
            commands.Add(new Say(new PoolMembersStopped(pending.Generation, [.. stopped.Select(m => m.Pid)])));
        foreach (var member in stopped)
            next = StopNewWorker(next, member.Worker, member.Phase == MemberPhase.Ready ? state.Settings.SignalOnHup : state.Settings.SignalOnTerm, commands);
        return next;
    }

    private static GenerationState OnRetryDue(GenerationState state, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Roster.Pending is not { Failed: true } pending || pending.Generation != generation || state.Stopping)
            return state;
        return SpawnNext(state, pending.Reason, commands);
    }

    /// <summary>
    /// A start failed: counted, told to a waiting restart client and to the service manager at once, and either
    /// retried later or, after --max-start-failures while an old generation serves, given up until the next HUP.
    /// </summary>
    private static GenerationState Failed(GenerationState state, AttemptFailed failure, ImmutableArray<StarterCommand>.Builder commands)
    {
        var pending = state.Roster.Pending!;
        var next = Counted(state, failure.Kind, failure);
        next = next with { Roster = next.Roster with { Pending = pending with { Failed = true } } };
        // Nothing has ever served: whoever waits for the service to come up (a --daemonize launcher) hears why it has not.
        if (state.Counters.Starts == 0)
            commands.Add(new ReportStartFailure(failure));
        return EndReload(RestartFailed(next, pending, failure, commands), pending.Generation);
    }

    /// <summary>A requested restart's generation failed while an old one serves: the failure file says so, or the restart is given up.</summary>
    private static GenerationState RestartFailed(GenerationState state, PendingGeneration pending, AttemptFailed failure, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (pending.Reason != SpawnReason.Restart || ServingGeneration(state) is not { } serving)
            return state;
        if (state.Settings.MaxStartFailures > 0 && state.Failures.Consecutive >= state.Settings.MaxStartFailures)
            return Abandon(state, serving, failure, commands);
        var restartFailure = new RestartFailure(pending.Generation, new RestartRetrying(failure, serving));
        return state with { Failures = state.Failures with { RestartFailure = restartFailure } };
    }

    /// <summary>
    /// The reload is over, failed: READY=1 ends its RELOADING=1, held (as every report is) until the status file
    /// and its <c>.failure</c> companion say what happened, so a waiting <c>--reload</c> and <c>systemctl reload</c>
    /// learn of it together. Once per RELOADING=1: the retries that follow are StarterHost's own, not a new reload.
    /// </summary>
    private static GenerationState EndReload(GenerationState state, int generation) =>
        state.Publication.ReloadAnnounced
            ? Announce(state with { Publication = state.Publication with { ReloadAnnounced = false } }, ServiceReport.ReloadFailed, generation)
            : state;

    /// <summary>One more failure in a row, and what it was; and one more in all, and one more failed start unless a serving worker died.</summary>
    private static GenerationState Counted(GenerationState state, FailureKind kind, Failure failure) => state with
    {
        Failures = state.Failures.Counted(kind, failure),
        Counters = state.Counters with
        {
            Failures = state.Counters.Failures + 1,
            FailedStarts = state.Counters.FailedStarts + (kind is DiedUnexpectedly ? 0 : 1),
        },
    };

    /// <summary>Says <paramref name="notice"/> while failures that went wrong as <paramref name="kind"/> says are few or new.</summary>
    private static void SayUnlessRepeated(GenerationState state, FailureKind kind, Notice notice, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Failures.RepeatsOf(kind) <= LoudRepeats)
            commands.Add(new Say(notice));
    }

    /// <summary>The next attempt after a failed start, now or after the backoff; said in full only while failures are few or new.</summary>
    private static GenerationState ScheduleRetry(GenerationState state, TimeSpan floor, ImmutableArray<StarterCommand>.Builder commands)
    {
        var pending = state.Roster.Pending!;
        var (next, delay) = WaitBeforeRetry(state, floor, commands);
        if (delay <= TimeSpan.Zero)
            return SpawnNext(next, pending.Reason, commands);
        commands.Add(new StartTimer(new RetryDue(pending.Generation), delay));
        return next with { Failures = next.Failures with { NextAttemptIn = delay } };
    }

    /// <summary>The backoff after the failures so far, and the lines that say so.</summary>
    private static (GenerationState State, TimeSpan Delay) WaitBeforeRetry(GenerationState state, TimeSpan floor, ImmutableArray<StarterCommand>.Builder commands)
    {
        var failures = state.Failures;
        var (delay, seed) = Backoff.After(failures.Consecutive, state.Settings.BackoffMax, failures.JitterSeed);
        if (delay < floor)
            delay = floor;
        if (failures.Repeats > LoudRepeats && int.IsPow2(failures.Repeats))
            commands.Add(new Say(new FailuresRepeated(failures.Consecutive, failures.Last!, delay)));
        if (delay > TimeSpan.Zero && failures.Repeats <= LoudRepeats)
            commands.Add(new Say(new RetryScheduled(failures.Consecutive, delay)));
        return (state with { Failures = failures with { JitterSeed = seed } }, delay);
    }

    /// <summary>
    /// The old workers serve on as the current generation, each in its slot; a slot none of them serves
    /// (its worker died during the restart) gets a worker of its own.
    /// </summary>
    private static GenerationState Abandon(GenerationState state, int serving, AttemptFailed failure, ImmutableArray<StarterCommand>.Builder commands)
    {
        int failures = state.Failures.Consecutive;
        commands.Add(new Say(new RestartAbandoned(failures, serving, failure)));
        var reason = new RestartAbandonedAfter(failures, serving, failure);
        var roster = state.Roster;
        var olds = roster.OldStillServing.ToList();
        var slots = Enumerable.Range(0, state.WorkerCount)
            .Select(slot => olds.FirstOrDefault(o => o.Worker.Slot == slot) is { } old
                ? new PoolSlot(new Member(old.Worker.Generation, slot, MemberPhase.Ready, old.Worker.Pid))
                : new PoolSlot(null, new Member(serving, slot, MemberPhase.Spawning)))
            .ToImmutableArray();
        foreach (var vacant in slots.Select(s => s.Replacement).OfType<Member>())
            commands.Add(new SpawnWorker(vacant.Generation, vacant.Slot));
        var keep = slots.Select(s => s.Serving?.Pid).ToHashSet();
        return state with
        {
            Roster = roster with
            {
                Current = new ServingGeneration(serving, slots),
                Old = roster.Old.RemoveAll(o => o.Retirement == Retirement.Waiting && keep.Contains(o.Worker.Pid)),
                Pending = null,
                RestartQueued = false,
            },
            Failures = state.Failures.Forgotten() with
            {
                NextAttemptIn = null,
                Last = reason,
                RestartFailure = new RestartFailure(roster.Pending!.Generation, reason),
            },
        };
    }

    /// <summary>The oldest generation a restart replaces, still serving while its successor starts.</summary>
    private static int? ServingGeneration(GenerationState state) =>
        state.Roster.OldStillServing.Select(o => (int?)o.Worker.Generation).Min();
}
