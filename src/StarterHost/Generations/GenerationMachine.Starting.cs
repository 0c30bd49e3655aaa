using System.Collections.Immutable;
using System.Globalization;

namespace StarterHost.Generations;

/// <summary>Starting generations: spawn, readiness, accept, and what a failed start leads to.</summary>
internal static partial class GenerationMachine
{
    private static GenerationState OnHangup(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Phase == Phase.Stopping)
        {
            commands.Add(new Say(new SignalIgnoredWhileStopping(Signals.SignalNames.Hup)));
            return state;
        }
        if (state.Pending is { } starting)
        {
            // One restart at a time. The code may have changed since the starting generation was
            // spawned, so one more restart follows it; further HUPs fold into that one.
            commands.Add(new Say(new HangupQueued(starting.Generation)));
            return state with { RestartQueued = true };
        }
        return RestartRequested(state, commands);
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
        // After a few identical failures, a retry is worth a line only when it, too, fails differently.
        if (state.FailureRepeats <= LoudRepeats)
            commands.Add(new Say(new StartingWorker(spawned.Pid, spawned.Generation)));
        if (state.Phase == Phase.Stopping)
        {
            commands.Add(new SignalWorkers([spawned.Pid], Signals.SignalNames.Term, spawned.Settings.SignalGroup));
            return next;
        }
        if (!spawned.AwaitsExec)
            StartClock(next.Settings, spawned.Generation, commands);
        return next;
    }

    /// <summary>
    /// The helper is the worker's program now: its --interval (or --start-timeout) starts here, not at the
    /// spawn, or a slow helper start (a JIT runtime on a loaded machine) would eat the interval and a worker
    /// that fails at once could count as started.
    /// </summary>
    private static GenerationState OnExecuted(GenerationState state, WorkerExecuted executed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Pending is not { Failed: false } pending || pending.Pid != executed.Pid || state.Phase == Phase.Stopping)
            return state;
        if (executed.Failure is { } failure)
            commands.Add(new Say(new CouldNotSpawn(pending.Generation, failure)));
        else
            StartClock(state.Settings, pending.Generation, commands);
        return state;
    }

    /// <summary>The time a new worker has: to survive (--interval), or to say READY=1 (--start-timeout).</summary>
    private static void StartClock(RuntimeSettings settings, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (settings.Readiness == ReadinessMode.Interval)
            commands.Add(new StartTimer(new StartupIntervalElapsed(generation), settings.Interval));
        else if (settings.StartTimeout > TimeSpan.Zero)
            commands.Add(new StartTimer(new StartTimeoutElapsed(generation), settings.StartTimeout));
    }

    private static GenerationState OnSpawnFailed(GenerationState state, SpawnFailed failed, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Pending?.Generation != failed.Generation)
            return state;
        if (state.Phase == Phase.Stopping)
            return ExitIfDone(state with { Pending = null }, commands);
        string kind = $"could not be spawned: {failed.Reason}";
        if (RepeatsOf(state, kind) <= LoudRepeats)
            commands.Add(new Say(new CouldNotSpawn(failed.Generation, failed.Reason)));
        var next = Failed(state, kind, commands);
        // Never a tight loop, whatever the backoff says: at least the interval, and a second.
        var floor = state.Settings.Interval < MinimumRetryDelay ? MinimumRetryDelay : state.Settings.Interval;
        return next.Pending is null ? next : ScheduleRetry(next, floor, commands);
    }

    private static GenerationState OnIntervalElapsed(GenerationState state, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Pending is not { } pending || pending.Generation != generation || state.Phase == Phase.Stopping)
            return state;
        // Server::Starter: a worker that died within --interval is retried once the interval is over.
        if (pending.Failed)
            return ScheduleRetry(state, TimeSpan.Zero, commands);
        return state.Settings.Readiness == ReadinessMode.Interval ? Accept(state, pending, commands) : state;
    }

    /// <summary>Notify readiness: no READY=1 in time. The worker is stopped, the old generation serves on.</summary>
    private static GenerationState OnStartTimeout(GenerationState state, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Pending is not { Failed: false, Pid: > 0 } pending || pending.Generation != generation || state.Phase == Phase.Stopping)
            return state;
        var timeout = state.Settings.StartTimeout;
        commands.Add(new Say(new StartTimedOut(pending.Pid, generation, timeout)));
        // It never served, so the signal that stops a worker, not the one that retires it gracefully.
        var stopped = state with { Old = state.Old.Add(new OldWorker(new Worker(generation, pending.Pid), Retirement.Waiting, Served: false)) };
        var next = SignalRetiring(stopped, [pending.Pid], state.Settings.SignalOnTerm, commands);
        next = Failed(next, $"was not ready within {Seconds(timeout)} s (no READY=1)", commands);
        return next.Pending is null ? next : ScheduleRetry(next, TimeSpan.Zero, commands);
    }

    private static GenerationState OnRetryDue(GenerationState state, int generation, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Pending is not { Failed: true } pending || pending.Generation != generation || state.Phase == Phase.Stopping)
            return state;
        return SpawnNext(state, pending.Reason, commands);
    }

    private static GenerationState OnNotified(GenerationState state, WorkerNotified notified, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.GenerationOf(notified.Pid) is not { } generation)
            return state;
        var next = state;
        if (notified.Status is { } text && state.WorkerStatus.GetValueOrDefault(notified.Pid) != text)
        {
            commands.Add(new Say(new WorkerSaid(notified.Pid, generation, text)));
            next = next with { WorkerStatus = next.WorkerStatus.SetItem(notified.Pid, text) };
        }
        if (notified.Ready && next.Settings.Readiness == ReadinessMode.Notify && next.Phase == Phase.Running
            && next.Pending is { Failed: false } pending && pending.Pid == notified.Pid)
            return Accept(next, pending, commands);
        return next;
    }

    /// <summary>
    /// A start failed (<paramref name="kind"/> says how, without a pid so that repeats compare equal, and
    /// <paramref name="detail"/> with it): counted, told to a waiting restart client at once, and either retried later or,
    /// after --max-start-failures while an old generation serves, given up until the next HUP.
    /// </summary>
    private static GenerationState Failed(GenerationState state, string kind, ImmutableArray<StarterCommand>.Builder commands, string? detail = null)
    {
        var pending = state.Pending!;
        int failures = state.ConsecutiveFailures + 1;
        string failure = $"generation {pending.Generation} {detail ?? kind}";
        var next = state with
        {
            Pending = pending with { Failed = true },
            ConsecutiveFailures = failures,
            FailureRepeats = RepeatsOf(state, kind),
            LastFailureKind = kind,
            LastFailure = failure,
        };
        if (pending.Reason != SpawnReason.Restart || ServingOld(next) is not { } serving)
            return next;
        if (next.Settings.MaxStartFailures > 0 && failures >= next.Settings.MaxStartFailures)
            return Abandon(next, serving, failures, failure, commands);
        return next with
        {
            RestartFailure = new RestartFailure(pending.Generation,
                $"{failure}; generation {serving.Worker.Generation} keeps serving, and StarterHost tries again")
        };
    }

    /// <summary>How many failures in a row, this one included, went wrong as <paramref name="kind"/> says.</summary>
    private static int RepeatsOf(GenerationState state, string kind) =>
        kind == state.LastFailureKind ? state.FailureRepeats + 1 : 1;

    /// <summary>The next attempt, now or after the backoff; said in full only while failures are few or new.</summary>
    private static GenerationState ScheduleRetry(GenerationState state, TimeSpan floor, ImmutableArray<StarterCommand>.Builder commands)
    {
        var (delay, seed) = Backoff.After(state.ConsecutiveFailures, state.Settings.BackoffMax, state.JitterSeed);
        if (delay < floor)
            delay = floor;
        var next = state with { JitterSeed = seed };
        if (state.FailureRepeats > LoudRepeats && int.IsPow2(state.FailureRepeats))
            commands.Add(new Say(new FailuresRepeated(state.ConsecutiveFailures, state.LastFailure!, delay)));
        if (delay <= TimeSpan.Zero)
            return SpawnNext(next, state.Pending!.Reason, commands);
        if (state.FailureRepeats <= LoudRepeats)
            commands.Add(new Say(new RetryScheduled(state.ConsecutiveFailures, delay)));
        commands.Add(new StartTimer(new RetryDue(state.Pending!.Generation), delay));
        return next with { NextAttemptIn = delay };
    }

    private static GenerationState Abandon(GenerationState state, OldWorker serving, int failures, string failure, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new Say(new RestartAbandoned(failures, serving.Worker.Generation, failure)));
        string reason = $"restart abandoned after {failures} failed starts, generation {serving.Worker.Generation} serves on until the next HUP; last: {failure}";
        return state with
        {
            Current = serving.Worker,
            Old = state.Old.Remove(serving),
            Pending = null,
            RestartQueued = false,
            ConsecutiveFailures = 0,
            FailureRepeats = 0,
            LastFailureKind = null,
            NextAttemptIn = null,
            LastFailure = reason,
            RestartFailure = new RestartFailure(state.Pending!.Generation, reason),
        };
    }

    /// <summary>The generation a restart replaces, still serving while its successor starts.</summary>
    private static OldWorker? ServingOld(GenerationState state) =>
        state.Old.LastOrDefault(o => o.Retirement == Retirement.Waiting && o.Served);

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
            NextAttemptIn = null,
            RestartFailure = null,
        };
        commands.Add(new Say(new GenerationServing(current.Generation, current.Pid)));
        // Failures are forgotten once a generation has lived a second: at once when --interval proved as much.
        var stable = StablePeriod - (next.Settings.Readiness == ReadinessMode.Interval ? next.Settings.Interval : TimeSpan.Zero);
        if (stable > TimeSpan.Zero)
            commands.Add(new StartTimer(new GenerationStable(current.Generation), stable));
        else
            next = Stable(next);
        // Only now, with the sockets bound long ago and a worker that started, is the service ready.
        next = Announce(next, new ReportReady(current), commands);
        if (next.Settings.AutoRestart)
            commands.Add(new StartTimer(new AutoRestartDue(startedCount, Forced: false), next.Settings.AutoRestartInterval));

        var replaced = next.Old.Where(o => o.Retirement == Retirement.Waiting).Select(o => o.Worker.Pid).ToImmutableArray();
        if (pending.Reason == SpawnReason.Restart)
            commands.Add(new Say(new NewWorkerRunning(next.Settings.SignalOnHup, replaced)));
        if (replaced.Length > 0 || pending.Reason == SpawnReason.Restart)
            next = RetireOrSchedule(next, replaced, commands);

        if (next.RestartQueued)
            next = RestartRequested(next with { RestartQueued = false }, commands);
        return next;
    }

    private static GenerationState OnGenerationStable(GenerationState state, int generation) =>
        state.Current?.Generation == generation ? Stable(state) : state;

    private static GenerationState Stable(GenerationState state) =>
        state with { ConsecutiveFailures = 0, FailureRepeats = 0, LastFailureKind = null };

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
        return state with { LastGeneration = generation, Pending = new PendingWorker(generation, 0, reason), NextAttemptIn = null };
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>Identical failures in a row that are logged in full; after that, only at powers of two.</summary>
    private const int LoudRepeats = 3;

    private static readonly TimeSpan MinimumRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long a generation must have served for its predecessors' failures to be forgotten.</summary>
    private static readonly TimeSpan StablePeriod = TimeSpan.FromSeconds(1);
}
