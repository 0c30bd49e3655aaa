using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StarterHost.Generations;
using StarterHost.Logging;
using StarterHost.Status;
using StarterHost.Workers;
using StarterHost.Systemd;

namespace StarterHost.Supervision;

/// <summary>
/// Feeds events to <see cref="GenerationMachine"/> and carries out the commands that come back, through
/// <see cref="IWorkerOs"/>. Any thread may post; only the loop thread runs <see cref="RunPending"/>, so
/// reaping and signalling happen on one thread, in order: a pid is signalled only while it is unreaped,
/// alive or a zombie, and never after the kernel could have given it to another process.
/// </summary>
internal sealed class Supervisor
{
    private readonly IWorkerOs _os;
    private readonly StatusFileWriter? _status;
    private readonly ServiceNotifier _notifier;
    private readonly ILogger _logger;
    private readonly Action _wake;
    private readonly ConcurrentQueue<StarterEvent> _posted = new();
    private readonly HashSet<ITimer> _timers = [];
    // Set by SIGCHLD, and at first: a child that exited before we listened is reaped too.
    private volatile bool _childrenExited = true;

    private readonly ICheckRunner? _checks;

    // --status-json: the file, and the times only the effect layer can stamp. Both null without it.
    private readonly StatusJsonWriter? _json;
    private readonly WorkerTimeline? _timeline;

    public Supervisor(IWorkerOs os, StatusFileWriter? status, ServiceNotifier notifier, ILogger logger, RuntimeSettings settings, Action wake,
        ICheckRunner? checks = null, StatusJsonWriter? json = null)
    {
        _checks = checks;
        _json = json;
        _timeline = json is null ? null : new WorkerTimeline(os.Time);
        _os = os;
        _status = status;
        _notifier = notifier;
        _logger = logger;
        _wake = wake;
        State = GenerationState.Initial(settings);
    }

    public GenerationState State { get; private set; }

    /// <summary>Set by the machine's Exit: every worker is gone.</summary>
    public int? ExitCode { get; private set; }

    public void Post(StarterEvent evt)
    {
        _posted.Enqueue(evt);
        _wake();
    }

    /// <summary>SIGCHLD: some child exited; the loop reaps.</summary>
    public void ChildrenExited()
    {
        _childrenExited = true;
        _wake();
    }

    /// <summary>Handles everything that has arrived, batch by batch, until nothing is left or the machine exits.</summary>
    public void RunPending()
    {
        while (ExitCode is null)
        {
            // Reaped first, queued after: what a worker said (READY=1, read as it was reaped) comes
            // before its exit, as it happened.
            var exits = _childrenExited ? Reap() : [];
            var batch = new List<StarterEvent>();
            while (_posted.TryDequeue(out var evt))
                batch.Add(evt);
            batch.AddRange(exits);
            if (batch.Count == 0)
                return;
            foreach (var evt in GenerationMachine.InOrder(batch))
            {
                if (ExitCode is not null)
                    return;
                Dispatch(evt);
            }
        }
    }

    private List<StarterEvent> Reap()
    {
        _childrenExited = false;
        try
        {
            // The check command is a child too: its exit is the check's result, not a worker's.
            return [.. _os.Reap().Select(e =>
            {
                _timeline?.Exited(e.Pid, e.Status);
                return _checks?.Finished(e.Pid, e.Status, e.GroupRemains) ?? (StarterEvent)new WorkerExited(e.Pid, e.Status, e.GroupRemains);
            })];
        }
        catch (Exception e)
        {
            // Not expected from waitpid; said, and tried again at the next SIGCHLD.
            Log.ReapFailed(_logger, e.Message);
            return [];
        }
    }

    /// <summary>Applies an event, then runs its commands; a command's own result (a spawn, a write) is applied next.</summary>
    private void Dispatch(StarterEvent first)
    {
        var queue = new Queue<StarterEvent>();
        queue.Enqueue(first);
        while (queue.TryDequeue(out var evt))
        {
            try
            {
                (State, var commands) = GenerationMachine.Apply(State, evt);
                foreach (var command in commands)
                {
                    foreach (var result in Execute(command))
                        queue.Enqueue(result);
                }
            }
            catch (Exception e)
            {
                // A bug in the machine itself must not take the supervisor down and orphan the workers.
                Log.EventFailed(_logger, evt.ToString(), e);
            }
        }
    }

    /// <summary>Carries out one command. A fault becomes an event for the machine to decide on.</summary>
    private IEnumerable<StarterEvent> Execute(StarterCommand command)
    {
        try
        {
            return Carry(command);
        }
        catch (Exception e)
        {
            return command switch
            {
                SpawnWorker spawn => [new SpawnFailed(spawn.Generation, ExecFailure.Describe(e), spawn.Slot, ExecFailure.IsPermanent(e))],
                WriteStatus => [new StatusWriteFailed(e.Message)],
                RunCheck check => [new CheckNotStarted(check.Serial, e.Message)],
                _ => [new CommandFailed(command, e.Message)],
            };
        }
    }

    private IEnumerable<StarterEvent> Carry(StarterCommand command)
    {
        switch (command)
        {
            case SpawnWorker spawn:
                var spawned = _os.Spawn(spawn.Generation, spawn.Slot);
                _timeline?.Spawned(spawned.Pid, spawn.Generation, spawn.Slot);
                return [new WorkerSpawned(spawn.Generation, spawned.Pid, spawned.Settings, spawned.AwaitsExec, spawn.Slot)];
            case RunCheck check:
                return [new CheckStarted(check.Serial, _checks!.Start(check.Generation))];
            case StartTimer timer:
                Schedule(timer.Event, timer.Delay);
                break;
            case SignalWorkers signal:
                return SendSignals(signal);
            case MeasureMemory measure:
                return Measure(measure);
            case ProbeGroups probe:
                return [.. probe.Pgids.Where(pgid => !_os.GroupExists(pgid)).Select(pgid => new GroupGone(pgid))];
            case WriteStatus write:
                // Composed first: what the document shows first is stamped now, even when a write fails.
                var report = _timeline?.Report(write.Document, _json!.Host);
                _status?.Write(write.Document);
                if (report is not null)
                    _json!.Write(report);
                return [new StatusWritten(write.Document)];
            case Say say:
                NoticeLog.Write(_logger, say.Notice);
                break;
            case ReportReady:
                _notifier.Ready();
                break;
            case ReportStartFailure failure:
                _notifier.StartFailed(FailureDescription.Of(failure.Failure), failure.GivenUp);
                break;
            case ReportReloading:
                _notifier.Reloading();
                break;
            case ReportReloadFailed:
                _notifier.ReloadFailed();
                break;
            case ReportStopping:
                _notifier.Stopping();
                break;
            case ReportStatus status:
                _notifier.Status(ServiceStatusText.Describe(status.Status));
                break;
            case ExtendStopTimeout extend:
                _notifier.ExtendTimeout(extend.By);
                break;
            case PetWatchdog:
                _notifier.Watchdog();
                break;
            case Exit exit:
                ExitCode = exit.Code;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, "unknown command");
        }
        return [];
    }

    /// <summary>Each pid on its own: one that cannot be signalled (EPERM) does not spare the others.</summary>
    private List<StarterEvent> SendSignals(SignalWorkers signal)
    {
        var faults = new List<StarterEvent>();
        foreach (int pid in signal.Pids)
        {
            try
            {
                if (signal.Group)
                    _os.SignalGroup(pid, signal.Signal);
                else
                    _os.Signal(pid, signal.Signal);
                _timeline?.Signalled(pid, signal.Signal);
            }
            catch (Exception e)
            {
                faults.Add(new CommandFailed(signal with { Pids = [pid] }, e.Message));
            }
        }
        return faults;
    }

    /// <summary>Each worker on its own, as signals are: one that cannot be read does not hide the others.</summary>
    private List<StarterEvent> Measure(MeasureMemory measure)
    {
        var results = new List<StarterEvent>();
        foreach (int pid in measure.Pids)
        {
            try
            {
                if (_os.ResidentMemory(pid) is { } bytes)
                    results.Add(new MemoryMeasured(pid, bytes));
            }
            catch (Exception e)
            {
                results.Add(new CommandFailed(measure with { Pids = [pid] }, e.Message));
            }
        }
        return results;
    }

    private void Schedule(StarterEvent evt, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Post(evt);
            return;
        }
        ITimer? timer = null;
        timer = _os.Time.CreateTimer(_ =>
        {
            lock (_timers)
            {
                if (!_timers.Remove(timer!))
                    return;
            }
            timer!.Dispose();
            Post(evt);
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_timers)
            _timers.Add(timer);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>No timer outlives the supervisor.</summary>
    public void CancelTimers()
    {
        lock (_timers)
        {
            foreach (var timer in _timers)
                timer.Dispose();
            _timers.Clear();
        }
    }
}
