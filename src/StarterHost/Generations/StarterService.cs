using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StarterHost.Configuration;
using StarterHost.Environment;
using StarterHost.Interop;
using StarterHost.Listening;
using StarterHost.Logging;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Systemd;
using StarterHost.Workers;

namespace StarterHost.Generations;

/// <summary>
/// The superdaemon's loop: the only reader of the event channel, it feeds each event to
/// <see cref="GenerationMachine"/> and carries out the commands that come back. It sleeps in
/// the channel read when nothing happens: no polling, no periodic wake-up.
/// </summary>
internal sealed class StarterService(
    StarterOptions options,
    ListenerRegistry listeners,
    WorkerSpawner spawner,
    WorkerEnvironment environment,
    ServiceNotifier notifier,
    SystemdEnvironment systemd,
    IHostApplicationLifetime lifetime,
    ILogger<StarterService> logger) : BackgroundService
{
    private readonly Channel<StarterEvent> _events = Channel.CreateUnbounded<StarterEvent>(new() { SingleReader = true });
    private readonly HashSet<Timer> _timers = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _pid = Posix.CurrentPid;
    private GenerationState _state = null!;
    private StatusFileWriter? _status;
    private PidFile? _pidFile;
    private SignalRouter? _signals;

    /// <summary>
    /// Everything that can fail because of the configuration happens here, before the host reports
    /// started and before any worker exists: the pid file, the sockets, the log file.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Log.StartingNow(logger, _pid);
        try
        {
            if (options.PidFile is { } pidFile)
                _pidFile = PidFile.Acquire(pidFile, _pid);
            listeners.BindAll(StarterOptionsValidator.ListenAddresses(options), options.Backlog);
            if (options.LogFile is { } logFile)
                LogFileRedirect.Apply(logFile);
        }
        catch
        {
            ReleaseResources();
            throw;
        }
        if (options.StatusFile is { } statusFile)
            _status = new StatusFileWriter(statusFile, _pid);
        _signals = new SignalRouter(Post);
        _state = GenerationState.Initial(environment.SettingsFrom(environment.Compose(null)));
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Dispatch(new Started());
        // Sent from this loop, through the machine, so that a hung loop stops it and the watchdog strikes.
        if (notifier.IsEnabled && systemd.WatchdogPeriod is { } period)
            Dispatch(new WatchdogDue(period));
        // Not stoppingToken: a host stop becomes a TERM (see StopAsync) and the loop runs until the workers are gone.
        var batch = new List<StarterEvent>();
        while (!_exited.Task.IsCompleted && await _events.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (_events.Reader.TryRead(out var evt))
                batch.Add(evt);
            // A terminal's Ctrl-C (or `timeout`) signals the whole process group: when the worker's
            // death and our own INT or TERM are both waiting, stop first rather than restart a
            // worker only to kill it.
            foreach (var evt in batch.OrderBy(e => e is TerminateReceived ? 0 : 1))
            {
                if (_exited.Task.IsCompleted)
                    break;
                try
                {
                    Dispatch(evt);
                }
                catch (Exception e)
                {
                    // A bug must not take the supervisor down and orphan the workers: say it, go on.
                    Log.EventFailed(logger, evt.ToString(), e);
                }
            }
            batch.Clear();
        }
        ReleaseResources();
        lifetime.StopApplication();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_state is not null && !_exited.Task.IsCompleted)
        {
            Post(new TerminateReceived(SignalNames.Term));
            await _exited.Task;
        }
        await base.StopAsync(cancellationToken);
    }

    private void Post(StarterEvent evt) => _events.Writer.TryWrite(evt);

    /// <summary>Applies an event, then runs its commands; a command's own result (a spawn) is applied in turn.</summary>
    private void Dispatch(StarterEvent first)
    {
        var queue = new Queue<StarterEvent>();
        queue.Enqueue(first);
        while (queue.TryDequeue(out var evt))
        {
            (_state, var commands) = GenerationMachine.Apply(_state, evt);
            foreach (var command in commands)
            {
                if (Execute(command) is { } result)
                    queue.Enqueue(result);
            }
        }
    }

    private StarterEvent? Execute(StarterCommand command)
    {
        switch (command)
        {
            case SpawnWorker spawn:
                return Spawn(spawn.Generation);
            case StartTimer timer:
                Schedule(timer.Event, timer.Delay);
                return null;
            case SignalWorkers signal:
                foreach (int pid in signal.Pids)
                    Signal(pid, signal.Signal);
                return null;
            case WriteStatus status:
                WriteStatusFile(status);
                return null;
            case Say say:
                NoticeLog.Write(logger, say.Notice);
                return null;
            case ReportReady:
                notifier.Ready();
                return null;
            case ReportReloading:
                notifier.Reloading();
                return null;
            case ReportStopping:
                notifier.Stopping();
                return null;
            case ReportStatus status:
                notifier.Status(status.Text);
                return null;
            case ExtendStopTimeout extend:
                notifier.ExtendTimeout(extend.By);
                return null;
            case PetWatchdog:
                notifier.Watchdog();
                return null;
            case Exit exit:
                System.Environment.ExitCode = exit.Code;
                _exited.TrySetResult();
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, "unknown command");
        }
    }

    private StarterEvent Spawn(int generation)
    {
        try
        {
            var (pid, settings) = spawner.Spawn(generation, (pid, status) => Post(new WorkerExited(pid, status)));
            return new WorkerSpawned(generation, pid, settings);
        }
        catch (Exception e) when (e is PosixException or CommandNotExecutableException or IOException)
        {
            Log.SpawnFailed(logger, generation, e.Message);
            return new SpawnFailed(generation, e.Message);
        }
    }

    private void Signal(int pid, int signal)
    {
        try
        {
            Posix.SendSignal(pid, signal);
        }
        catch (PosixException e)
        {
            Log.SignalFailed(logger, SignalNames.NameOf(signal), pid, e.Message);
        }
    }

    private void WriteStatusFile(WriteStatus status)
    {
        try
        {
            _status?.Write(status.Workers);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.StatusWriteFailed(logger, options.StatusFile!, e.Message);
        }
    }

    private void Schedule(StarterEvent evt, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Post(evt);
            return;
        }
        Timer? timer = null;
        timer = new Timer(_ =>
        {
            Post(evt);
            lock (_timers)
                _timers.Remove(timer!);
            timer!.Dispose();
        });
        lock (_timers)
            _timers.Add(timer);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Status file, unix sockets, pid file: what a clean exit leaves behind is nothing.</summary>
    private void ReleaseResources()
    {
        _signals?.Dispose();
        _signals = null;
        lock (_timers)
        {
            foreach (var timer in _timers)
                timer.Dispose();
            _timers.Clear();
        }
        try
        {
            _status?.Remove();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CleanupFailed(logger, options.StatusFile!, e.Message);
        }
        listeners.Dispose();
        _pidFile?.Dispose();
        _pidFile = null;
    }

    public override void Dispose()
    {
        ReleaseResources();
        base.Dispose();
    }
}
