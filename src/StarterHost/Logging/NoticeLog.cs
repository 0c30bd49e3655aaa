using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;

namespace StarterHost.Logging;

/// <summary>Writes the log line for each <see cref="Notice"/> the generation machine gives.</summary>
internal static class NoticeLog
{
    public static void Write(ILogger logger, Notice notice)
    {
        switch (notice)
        {
            case HangupSpawning:
                Log.HangupSpawning(logger);
                break;
            case HangupQueued q:
                Log.HangupQueued(logger, q.StartingGeneration);
                break;
            case WorkerDiedUnexpectedly { Member: { } m } d:
                Log.PoolWorkerDiedUnexpectedly(logger, d.Pid, m.Generation, m.Slot, d.Status);
                break;
            case WorkerDiedUnexpectedly d:
                Log.WorkerDiedUnexpectedly(logger, d.Pid, d.Status);
                break;
            case OldWorkerDied d:
                Log.OldWorkerDied(logger, d.Pid, d.Status);
                break;
            case NewWorkerFailed { Member: { } m } f:
                Log.PoolNewWorkerFailed(logger, f.Pid, m.Generation, m.Slot, f.Status);
                break;
            case NewWorkerFailed f:
                Log.NewWorkerFailed(logger, f.Pid, f.Status);
                break;
            case NewWorkerRunning r:
                Log.NewWorkerRunning(logger, SignalNames.NameOf(r.Signal), PidList(r.OldPids));
                break;
            case SleepingBeforeKill s:
                Log.SleepingBeforeKill(logger, s.Delay.TotalSeconds);
                break;
            case KillingOldWorkers:
                Log.KillingOldWorkers(logger);
                break;
            case AutoRestartTriggered { Forced: false } a:
                Log.AutoRestart(logger, a.Interval.TotalSeconds);
                break;
            case AutoRestartTriggered a:
                Log.AutoRestartForced(logger, a.Interval.TotalSeconds);
                break;
            case Terminating { Pids.IsEmpty: true } t:
                Log.TerminatingWithoutWorkers(logger, SignalNames.NameOf(t.Received), SignalNames.NameOf(t.Sent));
                break;
            case Terminating t:
                Log.Terminating(logger, SignalNames.NameOf(t.Received), SignalNames.NameOf(t.Sent), string.Join(',', t.Pids.Order()));
                break;
            case WorkerDied d:
                Log.WorkerDied(logger, d.Pid, d.Status);
                break;
            case SignalIgnoredWhileStopping s:
                Log.SignalIgnoredWhileStopping(logger, SignalNames.NameOf(s.Signal));
                break;
            case Exiting:
                Log.Exiting(logger);
                break;
            case StartingWorker { Slot: { } slot } w:
                Log.StartingNewPoolWorker(logger, w.Pid, w.Generation, slot);
                break;
            case StartingWorker w:
                Log.StartingNewWorker(logger, w.Pid, w.Generation);
                break;
            case CouldNotSpawn c:
                Log.SpawnFailed(logger, c.Generation, c.Reason);
                break;
            case SignalFailed f:
                Log.SignalFailed(logger, SignalNames.NameOf(f.Signal), f.Pid, f.Reason);
                break;
            case GenerationServing g:
                Log.GenerationServing(logger, g.Generation, g.Pid);
                break;
            case RetryScheduled r:
                Log.RetryScheduled(logger, Seconds(r.Delay), r.Failures);
                break;
            case FailuresRepeated r:
                Log.FailuresRepeated(logger, r.Failures, FailureDescription.Of(r.Failure), Seconds(r.Delay));
                break;
            case StartGivenUp g:
                Log.StartGivenUp(logger, FailureDescription.Of(g.Failure));
                break;
            case RestartAbandoned a:
                Log.RestartAbandoned(logger, a.Failures, a.ServingGeneration, FailureDescription.Of(a.Failure));
                break;
            case StartTimedOut { Slot: { } slot } t:
                Log.PoolStartTimedOut(logger, t.Pid, t.Generation, slot, Seconds(t.Timeout));
                break;
            case StartTimedOut t:
                Log.StartTimedOut(logger, t.Pid, t.Generation, Seconds(t.Timeout));
                break;
            case KilledAtDeadline { LeaderGone: true } k:
                Log.LeftoverKilledAtDeadline(logger, k.Pid, k.Generation, Seconds(k.Timeout));
                break;
            case KilledAtDeadline k:
                Log.KilledAtDeadline(logger, k.Pid, k.Generation, Seconds(k.Timeout));
                break;
            case LeftoverSignalled l:
                Log.LeftoverSignalled(logger, l.Pgid, l.Generation, SignalNames.NameOf(l.Signal));
                break;
            case WorkerSaid w:
                Log.WorkerSaid(logger, w.Pid, w.Generation, w.Text);
                break;
            case WorkerStatusesNotShown n:
                Log.WorkerStatusesNotShown(logger, n.Pid, n.Generation, n.Count);
                break;
            case StatusWriteFailing f:
                Log.StatusWriteFailing(logger, f.Reason);
                break;
            case StatusWriteRecovered:
                Log.StatusWriteRecovered(logger);
                break;
            case CommandFaulted c:
                Log.CommandFaulted(logger, c.Command, c.Reason);
                break;
            case PoolServing p:
                Log.PoolServing(logger, p.Generation, p.Pids.Length, PidList(p.Pids));
                break;
            case PoolMembersStopped p:
                Log.PoolMembersStopped(logger, p.Generation, PidList(p.Pids));
                break;
            case PoolMembersServeOn p:
                Log.PoolMembersServeOn(logger, p.Generation, PidList(p.Pids));
                break;
            case SlotServing { Worker: var w }:
                Log.SlotServing(logger, w.Pid, w.Generation, w.Slot);
                break;
            case LifetimeReached { Worker: var w } l:
                Log.LifetimeReached(logger, w.Pid, w.Generation, w.Slot, Seconds(l.Lifetime));
                break;
            case MemoryExceeded { Worker: var w } m:
                Log.MemoryExceeded(logger, w.Pid, w.Generation, w.Slot, m.Mebibytes, m.Limit);
                break;
            case ReplacementStopped { Worker: var w }:
                Log.ReplacementStopped(logger, w.Pid, w.Generation, w.Slot);
                break;
            case CheckRunning c:
                Log.CheckRunning(logger, c.Generation);
                break;
            case CheckQueued:
                Log.CheckQueued(logger);
                break;
            case CheckPassed c:
                Log.CheckPassed(logger, c.Generation);
                break;
            case CheckTimedOut c:
                Log.CheckTimedOut(logger, c.Pid, Seconds(c.Timeout));
                break;
            case CheckRefused c:
                Log.CheckRefused(logger, c.Generation, FailureDescription.Of(c.Reason));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(notice), notice, "unknown notice");
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Server::Starter: "1234,1240", or "none".</summary>
    private static string PidList(ImmutableArray<int> pids) => pids.IsEmpty ? "none" : string.Join(',', pids.Order());
}
