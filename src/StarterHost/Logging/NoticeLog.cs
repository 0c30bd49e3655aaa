using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using StarterHost.Generations;
using StarterHost.Signals;

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
            case WorkerDiedUnexpectedly d:
                Log.WorkerDiedUnexpectedly(logger, d.Pid, d.Status);
                break;
            case OldWorkerDied d:
                Log.OldWorkerDied(logger, d.Pid, d.Status);
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
            default:
                throw new ArgumentOutOfRangeException(nameof(notice), notice, "unknown notice");
        }
    }

    /// <summary>Server::Starter: "1234,1240", or "none".</summary>
    private static string PidList(ImmutableArray<int> pids) => pids.IsEmpty ? "none" : string.Join(',', pids.Order());
}
