using Microsoft.Extensions.Logging;
using StarterHost.Generations;
using StarterHost.Logging;
using StarterHost.Metrics;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Systemd;
using StarterHost.Upgrade;
using StarterHost.Workers;

namespace StarterHost.Supervision;

/// <summary>
/// Feeds events to <see cref="GenerationMachine"/> and carries out the commands that come back, through
/// <see cref="IWorkerOs"/> and <see cref="IServiceOs"/>. Everything but <see cref="Signals"/> belongs to the loop
/// thread: one queue of events, the timers, reaping and signalling, in order, so that a pid is signalled only
/// while it is unreaped, alive or a zombie, and never after the kernel could have given it to another process.
/// </summary>
internal sealed class Supervisor
{
    private readonly IWorkerOs _os;
    private readonly IServiceOs _service;
    private readonly LoopTimers _timers;
    private readonly ServiceNotifier _notifier;
    private readonly ILogger _logger;
    private readonly ICheckRunner? _checks;

    // The one queue: events delivered on the loop thread (exec reports, datagrams), then the results of commands.
    private readonly Queue<StarterEvent> _events = new();

    // Set by SIGCHLD, and at first: a child that exited before we listened is reaped too.
    private bool _childrenExited = true;

    // The settings the envdir gave at the last spawn: a read that changes nothing is no event.
    private RuntimeSettings _envDirSettings;

    // --status-json: what the report names StarterHost by, and the times only the effect layer can stamp. Both null without it.
    private readonly HostReport? _host;
    private readonly WorkerTimeline? _timeline;

    // The durations the metrics give, stamped as things happen.
    private readonly MetricsTimeline _metrics;

    // Read by the meter's listeners on their threads: published whole after each event.
    private volatile GenerationState _state;

    // Upgrading StarterHost itself (SIGUSR2); null where nothing can be exec'd (tests that do not ask for it).
    private readonly IUpgrader? _upgrader;

    // Set once the machine has been asked whether a waiting upgrade may exec, until something else arrives.
    private bool _quietAsked;

    public Supervisor(IWorkerOs os, IServiceOs service, LoopTimers timers, ILogger logger, RuntimeSettings settings, Action wake,
        ICheckRunner? checks = null, HostReport? statusJson = null, MetricsTimeline? metrics = null, IUpgrader? upgrader = null)
    {
        _upgrader = upgrader;
        _os = os;
        _service = service;
        _timers = timers;
        _notifier = new ServiceNotifier(service, timers, logger);
        _logger = logger;
        _checks = checks;
        _host = statusJson;
        _timeline = statusJson is null ? null : new WorkerTimeline(timers);
        _envDirSettings = settings;
        Signals = new PendingSignals(wake);
        _metrics = metrics ?? new MetricsTimeline(timers, new DurationHistogram(MetricFamilies.HandoverBuckets), new DurationHistogram(MetricFamilies.DrainBuckets));
        _state = GenerationState.Initial(settings);
    }

    /// <summary>The machine's state after the last event; any thread may read it.</summary>
    public GenerationState State
    {
        get => _state;
        private set => _state = value;
    }

    public MetricsTimeline Metrics => _metrics;

    /// <summary>Set by the machine's Exit: every worker is gone.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>How many events the machine has been given.</summary>
    public long Applied { get; private set; }

    /// <summary>What other threads (signal handlers) hand to the loop: the only way in that wakes it.</summary>
    public PendingSignals Signals { get; }

    /// <summary>Loop thread: an event read there (an exec report, a datagram), handled with the next batch, with no wake-up of its own.</summary>
    public void Deliver(StarterEvent evt) => _events.Enqueue(evt);

    /// <summary>How long the loop may sleep: until the next timer (-1: until woken), or null once the machine has exited.</summary>
    public int? SleepFor => ExitCode is null ? _timers.MillisecondsUntilNextDue() : null;

    /// <summary>
    /// Handles everything that has arrived, batch by batch, until nothing is left or the machine exits. A batch is
    /// what arrived together: the timers due, what the loop read, the signals, the children reaped; a timer armed to
    /// be due at once makes the next batch, without a sleep in between.
    /// </summary>
    public void RunPending()
    {
        while (ExitCode is null)
        {
            // Timers first, as they ended the sleep; reaped before the queue is taken, and queued after it: what a
            // worker said (READY=1, read as it was reaped) comes before its exit, as it happened.
            var batch = _timers.TakeDue();
            var signals = Signals.Take(out bool childrenExited);
            _childrenExited |= childrenExited;
            var exits = _childrenExited ? Reap() : [];
            while (_events.TryDequeue(out var evt))
                batch.Add(evt);
            batch.AddRange(signals);
            batch.AddRange(exits);
            if (batch.Count == 0)
            {
                // Everything that arrived is handled: the one moment an upgrade may exec, leaving nothing unapplied.
                if (State.Upgrade is not { Phase: UpgradePhase.Waiting } || _quietAsked)
                    return;
                _quietAsked = true;
                batch.Add(new UpgradeQuiet());
            }
            else
            {
                _quietAsked = false;
            }
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
                _metrics.Exited(e.Pid);
                return _upgrader?.CheckFinished(e.Pid, e.Status)
                    ?? _checks?.Finished(e.Pid, e.Status, e.GroupRemains)
                    ?? (StarterEvent)new WorkerExited(e.Pid, e.Status, e.GroupRemains);
            })];
        }
        catch (Exception e)
        {
            // Not expected from waitpid; said, and tried again at the next SIGCHLD.
            Log.ReapFailed(_logger, e.Message);
            return [];
        }
    }

    /// <summary>
    /// Applies an event, then runs its commands; the results of those commands (a spawn, a write) go through the
    /// same queue and are applied next, before the rest of the batch, breadth first.
    /// </summary>
    private void Dispatch(StarterEvent first)
    {
        _events.Enqueue(first);
        while (_events.TryDequeue(out var evt))
        {
            try
            {
                Applied++;
                var before = State;
                (State, var commands) = GenerationMachine.Apply(before, evt);
                _metrics.Applied(before, State);
                foreach (var command in commands)
                    Execute(command);
            }
            catch (Exception e)
            {
                // A bug in the machine itself must not take the supervisor down and orphan the workers.
                Log.EventFailed(_logger, evt.ToString(), e);
            }
        }
    }

    /// <summary>Carries out one command. A fault becomes an event for the machine to decide on.</summary>
    private void Execute(StarterCommand command)
    {
        try
        {
            Carry(command);
        }
        catch (Exception e)
        {
            _events.Enqueue(command switch
            {
                SpawnWorker spawn => new SpawnFailed(spawn.Generation, ExecFailure.Describe(e), spawn.Slot, ExecFailure.IsPermanent(e)),
                WriteStatus => new StatusWriteFailed(e.Message),
                RunCheck check => new CheckNotStarted(check.Serial, e.Message),
                RunUpgradeCheck check => new UpgradeCheckFinished(check.Attempt, null, $"cannot run the new file's --upgrade-check: {e.Message}"),
                _ => new CommandFailed(command, e.Message),
            });
        }
    }

    private void Carry(StarterCommand command)
    {
        switch (command)
        {
            case SpawnWorker spawn:
                Spawn(spawn);
                break;
            case RunCheck check:
                _events.Enqueue(new CheckStarted(check.Serial, _checks!.Start(check.Generation, _service.ReadEnvDir().Variables)));
                break;
            case StartTimer timer:
                _timers.Start(timer.Event, timer.Delay);
                break;
            case CancelTimer cancel:
                _timers.Cancel(cancel.Event);
                break;
            case ForgetWorker forget:
                _timers.Forget(forget.Pid);
                break;
            case SignalWorkers signal:
                SendSignals(signal);
                break;
            case MeasureMemory measure:
                Measure(measure);
                break;
            case ProbeGroups probe:
                foreach (int pgid in probe.Pgids.Where(pgid => !_os.GroupExists(pgid)))
                    _events.Enqueue(new GroupGone(pgid));
                break;
            case WriteStatus write:
                // Composed first: what the document shows first is stamped now, even when a write fails.
                _service.WriteStatus(write.Document, _timeline?.Report(write.Document, _host!));
                _events.Enqueue(new StatusWritten(write.Document));
                break;
            case ReopenLog:
                _service.ReopenLog();
                break;
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
            case RunUpgradeCheck check:
                Upgrader.StartCheck(check.Attempt, Snapshot(), _timeline?.Carried(), _metrics.Carried());
                break;
            case StopUpgradeCheck stop:
                Upgrader.StopCheck(stop.Attempt);
                break;
            case ExecUpgrade exec:
                ExecUpgrade(exec);
                break;
            case ReportUpgrade report:
                Upgrader.Report(report.Attempt, report.Succeeded, report.Text);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, "unknown command");
        }
    }

    /// <summary>
    /// The envdir is read again before each spawn, as start_server does; the settings it gives reach the machine as
    /// an event of their own, ahead of the spawn's, when they changed (and the spawn worked, as before).
    /// </summary>
    private void Spawn(SpawnWorker spawn)
    {
        var envDir = _service.ReadEnvDir();
        var spawned = _os.Spawn(spawn.Generation, spawn.Slot, envDir.Variables);
        _timeline?.Spawned(spawned.Pid, spawn.Generation, spawn.Slot);
        _metrics.Spawned(spawned.Pid);
        if (envDir.Settings != _envDirSettings)
        {
            _envDirSettings = envDir.Settings;
            _events.Enqueue(new EnvDirRead(envDir.Settings));
        }
        _events.Enqueue(new WorkerSpawned(spawn.Generation, spawned.Pid, spawned.AwaitsExec, spawn.Slot));
    }

    /// <summary>Each pid on its own: one that cannot be signalled (EPERM) does not spare the others.</summary>
    private void SendSignals(SignalWorkers signal)
    {
        foreach (int pid in signal.Pids)
        {
            try
            {
                if (signal.Group)
                    _os.SignalGroup(pid, signal.Signal);
                else
                    _os.Signal(pid, signal.Signal);
                _timeline?.Signalled(pid, signal.Signal);
                _metrics.Signalled(pid);
            }
            catch (Exception e)
            {
                _events.Enqueue(new CommandFailed(signal with { Pids = [pid] }, e.Message));
            }
        }
    }

    /// <summary>Each worker on its own, as signals are: one that cannot be read does not hide the others.</summary>
    private void Measure(MeasureMemory measure)
    {
        foreach (int pid in measure.Pids)
        {
            try
            {
                if (_os.ResidentMemory(pid) is { } bytes)
                    _events.Enqueue(new MemoryMeasured(pid, bytes));
            }
            catch (Exception e)
            {
                _events.Enqueue(new CommandFailed(measure with { Pids = [pid] }, e.Message));
            }
        }
    }

    private IUpgrader Upgrader => _upgrader ?? throw new InvalidOperationException("StarterHost cannot upgrade itself here");

    /// <summary>The state as it crosses an exec: the machine's, and the timers armed for it, due at absolute CLOCK_MONOTONIC times.</summary>
    public StateSnapshot Snapshot() => StateSnapshot.Of(State, [.. _timers.Armed.Select(t => new ArmedTimer(t.Event, t.DueTimestamp))]);

    /// <summary>
    /// The signals counted and not handled go with the state; the exec returns only when it failed, and then they are
    /// this image's again.
    /// </summary>
    private void ExecUpgrade(ExecUpgrade exec)
    {
        var signals = Signals.TakeAll();
        string failure = Upgrader.Exec(exec.Attempt, exec.Version, Snapshot(), signals, _timeline?.Carried(), _metrics.Carried());
        foreach (int signal in signals)
            Signals.Note(signal);
        _events.Enqueue(new UpgradeExecFailed(exec.Attempt, failure));
    }

    /// <summary>
    /// In the image an upgrade started, before the loop's first turn: the old image's state and timers, its pending
    /// signals, the times --status-json gives, and each worker it recorded, adopted only if its pid is still that process (its start time in
    /// /proc/PID/stat); one that is not is reported gone. The first turn's reap sweeps up whatever exited meanwhile.
    /// </summary>
    public void Restore(UpgradeHandoff handoff, StarterEvent outcome, Func<int, ulong, bool> isStill)
    {
        State = handoff.Machine.State;
        if (handoff.Durations is { } durations)
            _metrics.Adopt(durations);
        foreach (var timer in handoff.Machine.Timers)
            _timers.StartAt(timer.Event, timer.DueMonotonicMicroseconds);
        foreach (int signal in handoff.Signals)
            Signals.Note(signal);
        if (handoff.Timeline is { } timeline)
            _timeline?.Adopt(timeline, State.Counters.Failures, State.Failures.Last);
        _events.Enqueue(outcome);
        foreach (var worker in handoff.Workers.Where(w => !isStill(w.Pid, w.StartTime)))
        {
            var killed = new WaitStatus(SignalNames.Kill);
            _timeline?.Exited(worker.Pid, killed);
            _events.Enqueue(new WorkerExited(worker.Pid, killed, GroupRemains: _os.GroupExists(worker.Pid)));
        }
    }

    /// <summary>No timer outlives the supervisor.</summary>
    public void CancelTimers() => _timers.Clear();
}
