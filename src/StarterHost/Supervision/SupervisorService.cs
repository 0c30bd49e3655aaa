using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using StarterHost.Configuration;
using StarterHost.Environment;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Listening;
using StarterHost.Logging;
using StarterHost.Metrics;
using StarterHost.Readiness;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Systemd;
using StarterHost.Upgrade;
using StarterHost.Workers;

namespace StarterHost.Supervision;

/// <summary>
/// The hosted service: acquires what can fail because of the configuration, then runs the
/// <see cref="Supervisor"/> on the <see cref="EventLoop"/>'s thread until every worker is gone.
/// </summary>
internal sealed class SupervisorService(
    StarterOptions options,
    ListenerRegistry listeners,
    WorkerSpawner spawner,
    WorkerEnvironment environment,
    ISystemdNotifier notifier,
    SystemdEnvironment systemd,
    IHostApplicationLifetime lifetime,
    LogSink logSink,
    ILogger<Supervisor> logger) : BackgroundService
{
    private readonly int _pid = Posix.CurrentPid;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PidFile? _pidFile;
    private StatusFileWriter? _status;
    private StatusJsonWriter? _statusJson;
    private EventLoop? _loop;
    private OsWorkers? _os;
    private Supervisor? _supervisor;
    private SignalRouter? _signals;
    private CheckRunner? _checks;
    private MetricsSocket? _metricsSocket;
    private StarterHostMeter? _meter;
    private StarterHostMetrics? _metrics;
    private EpollMetricsLoop? _metricsLoop;
    private MetricsEndpoint? _metricsEndpoint;
    private IdleTrim? _trim;
    private int _signalFd = -1;
    private string? _upgradeResult;
    private readonly UpgradeRestore? _restore = UpgradeRestore.Current;

    /// <summary>
    /// Everything that can fail because of the configuration happens here, before the host reports
    /// started and before any worker exists: the pid file, the sockets, the log file.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_restore is null)
            Log.StartingNow(logger, _pid);
        WorkerIdentity? workers;
        try
        {
            workers = WorkerIdentity.Resolve(options.User, options.Group);
        }
        catch (ArgumentException e)
        {
            // Validated already; only a user removed since then gets here.
            throw new StartupException(e.Message);
        }
        try
        {
            if (options.PidFile is { } pidFile)
                _pidFile = _restore?.Handoff.PidFileFd is { } pidFd ? PidFile.Adopt(pidFile, pidFd) : PidFile.Acquire(pidFile, _pid);
            if (_restore is null)
                listeners.BindAll(StarterOptionsValidator.ListenAddresses(options), options.Backlog, SocketFileAccess.Parse(options.PathMode, options.PathOwner));
            else
                listeners.Adopt(StarterOptionsValidator.ListenAddresses(options), _restore.Handoff.Listeners);
            // Bound like a listener, so that a port taken is a start-up error; close-on-exec, so no worker gets it.
            if (options.Metrics is { } metrics)
                _metricsSocket = _restore?.Handoff.MetricsSocket is { } carried ? MetricsSocket.Adopt(carried) : MetricsSocket.Bind(MetricsAddress.Parse(metrics));
            if (options.ListenFds)
                spawner.ListenFdNames();
            // After an upgrade, stdout and stderr are the log already.
            if (options.LogFile is { } logFile && _restore is null)
                LogFileRedirect.Apply(logFile);
            WarnOfFilesWritableBy(workers);
            // Orphans of our workers come back to us, so that nothing of a worker outlives its stop unseen.
            Posix.BecomeChildSubreaper();
        }
        catch (Exception e)
        {
            // What was handed over goes back to the old image, untouched.
            _restore?.RollBack(Hosting.FailureText.Of(e));
            ReleaseResources();
            throw;
        }
        // Start-up can no longer fail on the configuration: the lines held until now (the files read, starting,
        // listening) are written, after --log-file took stderr, so that they are the log file's first lines, as
        // start_server's are, and not lost to a daemon's /dev/null.
        logSink.EndStartup();
        if (options.StatusFile is { } statusFile)
            _status = new StatusFileWriter(statusFile, _pid);
        if (options.StatusJson is { } statusJson)
            _statusJson = new StatusJsonWriter(statusJson, new HostReport(_pid, Hosting.ProductVersion.Current, ThisImage.StartedAt));
        _loop = new EventLoop();
        if (options.PidFile is { } pidFileName)
        {
            _upgradeResult = UpgradeResultFile.Of(pidFileName);
            if (_restore is null)
                UpgradeResultFile.Remove(_upgradeResult);
        }
        var timers = new LoopTimers(new MonotonicClock());
        var notifyDirectory = new NotifyDirectory(environment.Base, _pid, workers, stale => Log.StaleNotifyDirectoryRemoved(logger, stale));
        _os = new OsWorkers(options, spawner, notifyDirectory, _loop, timers, logger, evt => _supervisor!.Deliver(evt));
        _checks = options.CheckCommand is { } check ? new CheckRunner(spawner, check, _loop) : null;
        var service = new OsService(_status, _statusJson, notifier, systemd.NotifySocketName,
            options.LogFile is { } reopened ? new LogFileReopener(reopened, logger) : null,
            new EnvDirReload(environment, logger));
        var upgrader = ThisImage.Location is { } location
            ? new InPlaceUpgrade(location, HeldDescriptors, _upgradeResult, ThisImage.StartedAt, PauseScrapes)
            : null;
        // The meter exists with or without --metrics: it costs nothing until a listener (dotnet-counters, OpenTelemetry) attaches.
        string version = Hosting.ProductVersion.Current;
        _meter = new StarterHostMeter(() => _metrics!.Snapshot(), version);
        var durations = new MetricsTimeline(timers,
            new DurationHistogram(MetricFamilies.HandoverBuckets, _meter.Handover), new DurationHistogram(MetricFamilies.DrainBuckets, _meter.Drain));
        _supervisor = new Supervisor(_os, service, timers, logger, environment.SettingsFrom(environment.Compose(null)), _loop.Wake,
            _checks, _statusJson?.Host, durations, upgrader);
        var supervisor = _supervisor;
        _metrics = new StarterHostMetrics(() => supervisor.State, durations,
            [.. listeners.Keys.Zip(listeners.Descriptors, (key, fds) => (key, fds.ParentFd))], ResidentMemoryReader.Read, version);
        if (_metricsSocket is { } socket)
        {
            // On the loop's thread, like every descriptor it watches: its epoll set is one more fd in the loop's poll.
            _metricsLoop = EpollMetricsLoop.On(_loop, timers);
            _metricsEndpoint = new MetricsEndpoint(socket, _metricsLoop, _metrics.Exposition, e => Log.MetricsFault(logger, e.Message));
            _metricsSocket = null;
            Log.MetricsServing(logger, socket.LocalEndPoint is System.Net.IPEndPoint bound ? bound.ToString() : MetricsAddress.Parse(options.Metrics!).Display);
        }
        _signals = new SignalRouter(_supervisor.Signals, logFile: options.LogFile is not null);
        _trim = new IdleTrim(timers);
        // Every thread blocks these (BlockedSignals): the loop reads them here, and nothing else consumes one.
        _signalFd = Posix.OpenSignalFd(BlockedSignals.Read(logFile: options.LogFile is not null));
        _loop.Watch(_signalFd, () =>
        {
            while (Posix.ReadSignal(_signalFd) is { } signal)
                _supervisor.Signals.Note(signal);
        });
        if (_restore is { Handoff: var handoff })
        {
            try
            {
                Restore(handoff);
            }
            catch (Exception e)
            {
                _restore.RollBack(Hosting.FailureText.Of(e));
                throw;
            }
        }
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// The image an upgrade started takes over: the workers' notify sockets, the state, and close-on-exec set again on
    /// what was handed over (a worker gets its descriptors through posix_spawn, never by inheritance; a rollback
    /// clears it again).
    /// </summary>
    private void Restore(UpgradeHandoff handoff)
    {
        _os!.Adopt(handoff.NotifyDirectory, handoff.NotifySockets);
        foreach (int fd in handoff.Descriptors)
            Posix.SetInheritable(fd, false);
        StarterEvent outcome = _restore!.RolledBackBecause is { } why
            ? new UpgradeRolledBack(handoff.Attempt, why)
            : new UpgradeRestored(handoff.Attempt, Hosting.ProductVersion.Current,
                handoff.ExecAtMicroseconds is { } exec ? TimeSpan.FromMicroseconds(Posix.MonotonicMicroseconds - exec) : null);
        _supervisor!.Restore(handoff, outcome, (pid, startTime) => ProcessStartTime.IsStill(pid, startTime));
    }

    private HeldDescriptors HeldDescriptors() =>
        new(_pidFile?.Descriptor, listeners.Carried, _os?.NotifyDirectoryPath, _os?.CarriedNotifySockets ?? [], _metricsEndpoint?.Carried);

    /// <summary>
    /// Before an exec: the metrics endpoint accepts no more (a scrape waits in the backlog for the next image) and
    /// answers the scrapes it has open, which the exec would cut off, for at most a request's deadline. Returns how to
    /// resume, should the exec fail.
    /// </summary>
    private Action PauseScrapes()
    {
        if (_metricsEndpoint is not { } endpoint || _metricsLoop is not { } loop)
            return () => { };
        long until = System.Environment.TickCount64 + (long)ScrapeLimits.Default.RequestDeadline.TotalMilliseconds;
        for (bool open = endpoint.StopAccepting(); open; open = endpoint.OpenConnections > 0)
        {
            long left = until - System.Environment.TickCount64;
            if (left <= 0)
                break;
            loop.RunOnce((int)left);
        }
        return endpoint.Start;
    }

    /// <summary>Said once, at start, in the log file if there is one: the files stay where they are configured.</summary>
    private void WarnOfFilesWritableBy(WorkerIdentity? workers)
    {
        if (workers?.User is not { Uid: not 0 } user)
            return;
        (string Role, string? Path)[] files =
        [
            ("pid file", options.PidFile),
            ("status file", options.StatusFile),
            ("status JSON", options.StatusJson),
            ("log file", options.LogFile is { } log && LogFileRedirect.PipeCommand(log) is null ? log : null),
        ];
        var gids = PosixAccounts.GroupList(user.Name, workers.Gid).ToHashSet();
        var found = WorkerWritableFiles.Find(files.Select(f => f.Path).OfType<string>(), user.Uid, gids, d => Posix.TryGetFileStatus(d, followSymlink: true));
        string Role(string file) => files.First(f => f.Path == file).Role;
        if (found.Count > 0)
            Log.FilesWritableByWorkers(logger, user.Name, string.Join(", ", found.Select(f => $"the {Role(f.File)} {f.File} (in {f.Directory})")));
    }

    // Not stoppingToken: a host stop becomes a TERM (see StopAsync) and the loop runs until the workers are gone.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _exited.Task;

    /// <summary>
    /// Runs the loop on the calling thread, the process's main thread (see Program.cs), until every worker is
    /// gone: one thread fewer, and the one the workers' death signal follows lives exactly as long as the process.
    /// </summary>
    public void RunOnThisThread()
    {
        var supervisor = _supervisor ?? throw new InvalidOperationException("the host has not started");
        try
        {
            // After an upgrade the machine carries on where the old image stopped, its watchdog timer included.
            if (_restore is null)
            {
                supervisor.Deliver(new Started((uint)Random.Shared.Next()));
                // Sent from the loop, through the machine, so that a hung loop stops it and the watchdog strikes.
                if (notifier.IsEnabled && systemd.WatchdogPeriod is { } period)
                    supervisor.Deliver(new WatchdogDue(period));
            }
            _metricsEndpoint?.Start();
            _loop!.Run(() =>
            {
                supervisor.RunPending();
                _trim!.Stepped();
                // The first turn has applied the restore: this image supervises, and lets the old one go.
                _restore?.Succeeded();
                return supervisor.SleepFor;
            });
            System.Environment.ExitCode = supervisor.ExitCode ?? 0;
        }
        catch (Exception e)
        {
            _restore?.RollBack(Hosting.FailureText.Of(e));
            Log.LoopFailed(logger, e);
            System.Environment.ExitCode = 1;
        }
        finally
        {
            ReleaseResources();
            _exited.TrySetResult();
            lifetime.StopApplication();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_supervisor is not null && !_exited.Task.IsCompleted)
        {
            _supervisor.Signals.Raise(SignalNames.Term);
            await _exited.Task;
        }
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Status files, unix sockets, notify sockets, pid file: what a clean exit leaves behind is nothing.</summary>
    private void ReleaseResources()
    {
        _signals?.Dispose();
        _signals = null;
        _metricsEndpoint?.Dispose();
        _metricsEndpoint = null;
        _metricsLoop?.Dispose();
        _metricsLoop = null;
        _metricsSocket?.Dispose();
        _metricsSocket = null;
        _meter?.Dispose();
        _meter = null;
        if (_signalFd >= 0)
        {
            _loop?.Unwatch(_signalFd);
            Posix.Close(_signalFd);
            _signalFd = -1;
        }
        if (_upgradeResult is not null)
            UpgradeResultFile.Remove(_upgradeResult);
        _supervisor?.CancelTimers();
        try
        {
            _status?.Remove();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CleanupFailed(logger, options.StatusFile!, e.Message);
        }
        try
        {
            _statusJson?.Remove();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CleanupFailed(logger, options.StatusJson!, e.Message);
        }
        _os?.Dispose();
        _os = null;
        _checks?.Dispose();
        _checks = null;
        listeners.Dispose();
        _pidFile?.Dispose();
        _pidFile = null;
    }

    public override void Dispose()
    {
        ReleaseResources();
        _loop?.Dispose();
        base.Dispose();
    }
}
