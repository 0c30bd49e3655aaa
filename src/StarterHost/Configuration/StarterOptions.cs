using StarterHost.Cli;
using StarterHost.Generations;

namespace StarterHost.Configuration;

/// <summary>
/// Every setting of the superdaemon, bound from the "Starter" configuration section, and every option of its command
/// line. Each is declared once, here: the property holds the value and its default, the <see cref="Option"/> beside it
/// holds the rest (command-line name, key, type, range, --help line, README's description, legacy variable), and
/// <see cref="Declared"/> lists them in --help's order. Adding an option is adding one here, and acting on it where
/// it matters. A description names another option through its <see cref="Option.Cli"/>, and only one declared above
/// it: one below is still null, and the type initializer would fail on it.
/// </summary>
public sealed class StarterOptions
{
    public const string SectionName = "Starter";

    /// <summary>--port: TCP/UDP ports to bind (PORT, HOST:PORT, [V6]:PORT, uPORT, ...=FD). Repeatable.</summary>
    public List<string> Port { get; set; } = [];

    internal static readonly ListOption PortOption = new("port", nameof(Port), (o, v) => o.Port = v)
    {
        SplitsPlainValue = true,
        StartServer = true,
        Help = new("PORT, HOST:PORT, [V6]:PORT", "TCP port to listen on (repeatable); \"u\" before the port\nbinds UDP, \"=FD\" after it puts it at that fd in the worker"),
        Description = "TCP port to listen on; `=FD` puts it at that fd in the worker; `u` before the port binds UDP. Repeatable.",
    };

    /// <summary>--path: unix sockets to create and listen on. Repeatable.</summary>
    public List<string> Path { get; set; } = [];

    internal static readonly ListOption PathOption = new("path", nameof(Path), (o, v) => o.Path = v)
    {
        SplitsPlainValue = true,
        StartServer = true,
        Help = new("PATH", "unix socket to listen on (repeatable)"),
        Description = "unix socket to create (mode 0777, as start_server does) and listen on. Repeatable.",
    };

    /// <summary>The worker command and its arguments (what follows "--" on the command line).</summary>
    public List<string> Command { get; set; } = [];

    internal static readonly ListOption CommandOption = new(null, nameof(Command), (o, v) => o.Command = v)
    {
        Description = "the worker program; non-option arguments before `--` count too",
    };

    /// <summary>--dir: working directory of the workers.</summary>
    public string? Dir { get; set; }

    internal static readonly TextOption DirOption = new("dir", nameof(Dir), o => o.Dir, (o, v) => o.Dir = v)
    {
        StartServer = true,
        Help = new("DIR", "working directory of the workers"),
    };

    /// <summary>--interval: seconds a new worker must survive to count as started. Defaults to 1.</summary>
    public double Interval { get; set; } = 1;

    internal static readonly NumberOption IntervalOption = new("interval", nameof(Interval), o => o.Interval, (o, v) => o.Interval = v, new(0, 86400))
    {
        StartServer = true,
        Help = new("SECONDS", "a new worker must live this long to count as started\n(default 1)"),
        Description = "a new worker must live this long to count as started (default 1; fractions allowed)",
    };

    /// <summary>--signal-on-hup: sent to old workers once a new generation has started. Defaults to TERM.</summary>
    public string SignalOnHup { get; set; } = "TERM";

    internal static readonly TextOption SignalOnHupOption = new("signal-on-hup", nameof(SignalOnHup), o => o.SignalOnHup, (o, v) => o.SignalOnHup = v)
    {
        StartServer = true,
        Help = new("SIGNAL", "sent to the old workers once the new ones started\n(default TERM)"),
        Description = "sent to the old workers once the new generation started (default TERM)",
    };

    /// <summary>--signal-on-term: sent to every worker when StarterHost gets SIGTERM. Defaults to TERM.</summary>
    public string SignalOnTerm { get; set; } = "TERM";

    internal static readonly TextOption SignalOnTermOption = new("signal-on-term", nameof(SignalOnTerm), o => o.SignalOnTerm, (o, v) => o.SignalOnTerm = v)
    {
        StartServer = true,
        Help = new("SIGNAL", "sent to every worker when stopping on SIGTERM (default TERM)"),
        Description = "sent to every worker when StarterHost gets SIGTERM (default TERM)",
    };

    /// <summary>--pid-file: where to write (and lock) StarterHost's pid.</summary>
    public string? PidFile { get; set; }

    internal static readonly TextOption PidFileOption = new("pid-file", nameof(PidFile), o => o.PidFile, (o, v) => o.PidFile = v)
    {
        StartServer = true,
        Help = new("FILE", "write and lock the superdaemon's pid"),
        Description = "`\"<pid>\\n\"`, flock'ed while StarterHost lives; a second instance is refused",
    };

    /// <summary>--status-file: where to write the "generation:pid" lines of the live workers.</summary>
    public string? StatusFile { get; set; }

    internal static readonly TextOption StatusFileOption = new("status-file", nameof(StatusFile), o => o.StatusFile, (o, v) => o.StatusFile = v)
    {
        StartServer = true,
        Help = new("FILE", "write \"generation:pid\" of the live workers"),
        Description = "`generation:pid` lines of the live workers",
    };

    /// <summary>
    /// --status-json: where to write, as JSON (docs/status.schema.json), every worker process with its state and
    /// times, StarterHost's pid and version, the counters and the last failure; what --status reads. Defaults to none.
    /// </summary>
    public string? StatusJson { get; set; }

    internal static readonly TextOption StatusJsonOption = new("status-json", nameof(StatusJson), o => o.StatusJson, (o, v) => o.StatusJson = v)
    {
        Help = new("FILE", "write every worker's state and times, the counters and\nthe last failure as JSON (docs/status.schema.json)"),
        Description = "every worker's state and times, the counters and the last failure, as JSON ([`docs/status.schema.json`](docs/status.schema.json); see [Sockets and privileges](#sockets-and-privileges))",
    };

    /// <summary>
    /// --metrics: where to serve GET /metrics in Prometheus's text format, HOST:PORT, [V6]:PORT or unix:PATH; bound at
    /// start like a listener, never passed to workers. Defaults to none.
    /// </summary>
    public string? Metrics { get; set; }

    internal static readonly TextOption MetricsOption = new("metrics", nameof(Metrics), o => o.Metrics, (o, v) => o.Metrics = v)
    {
        Help = new("HOST:PORT, unix:PATH", "serve GET /metrics (Prometheus text format) there"),
        Description = "where to serve `GET /metrics` in Prometheus's text format: `HOST:PORT`, `[V6]:PORT` or `unix:PATH` (see [Metrics](#metrics))",
    };

    /// <summary>--envdir (or ENVDIR): directory of FILE=value environment entries, re-read before each spawn.</summary>
    public string? EnvDir { get; set; }

    internal static readonly TextOption EnvDirOption = new("envdir", nameof(EnvDir), o => o.EnvDir, (o, v) => o.EnvDir = v)
    {
        StartServer = true,
        LegacyVariable = "ENVDIR",
        Help = new("DIR", "environment for the workers, re-read at each restart"),
        Description = "envdir read before every spawn",
    };

    /// <summary>--log-file: a file to append StarterHost's and the workers' output to, or "| command".</summary>
    public string? LogFile { get; set; }

    internal static readonly TextOption LogFileOption = new("log-file", nameof(LogFile), o => o.LogFile, (o, v) => o.LogFile = v)
    {
        StartServer = true,
        Help = new("FILE", "append all output to a file, or pipe it to a command") { OtherValue = "\"| COMMAND\"" },
        Description = "StarterHost's and the workers' stdout/stderr go to the file (appended) or the command",
    };

    /// <summary>--daemonize: detach from the terminal (requires LogFile).</summary>
    public bool Daemonize { get; set; }

    internal static readonly SwitchOption DaemonizeOption = new("daemonize", nameof(Daemonize), o => o.Daemonize, (o, v) => o.Daemonize = v)
    {
        StartServer = true,
        Help = new(null, $"detach into a new session (requires {LogFileOption.Cli})"),
        Description = $"detach into a new session, returning once generation 1 serves (exit 1 with the reason if its start fails); requires `{LogFileOption.Cli}`",
    };

    /// <summary>--enable-auto-restart (or ENABLE_AUTO_RESTART): restart the workers every AutoRestartInterval.</summary>
    public bool EnableAutoRestart { get; set; }

    internal static readonly SwitchOption EnableAutoRestartOption = new("enable-auto-restart", nameof(EnableAutoRestart), o => o.EnableAutoRestart, (o, v) => o.EnableAutoRestart = v)
    {
        StartServer = true,
        LegacyVariable = "ENABLE_AUTO_RESTART",
        Help = new(null, "restart periodically"),
    };

    /// <summary>--auto-restart-interval (or AUTO_RESTART_INTERVAL): seconds between automatic restarts. Defaults to 360.</summary>
    public double? AutoRestartInterval { get; set; }

    internal static readonly NumberOption AutoRestartIntervalOption = new("auto-restart-interval", nameof(AutoRestartInterval), o => o.AutoRestartInterval, (o, v) => o.AutoRestartInterval = v, new(0, 31536000))
    {
        StartServer = true,
        LegacyVariable = "AUTO_RESTART_INTERVAL",
        Help = new("SECONDS", "period of auto-restart (default 360)"),
    };

    /// <summary>--kill-old-delay (or KILL_OLD_DELAY): seconds to wait before signalling old workers. Defaults to 0, or 5 with auto-restart.</summary>
    public double? KillOldDelay { get; set; }

    internal static readonly NumberOption KillOldDelayOption = new("kill-old-delay", nameof(KillOldDelay), o => o.KillOldDelay, (o, v) => o.KillOldDelay = v, new(0, 86400))
    {
        StartServer = true,
        LegacyVariable = "KILL_OLD_DELAY",
        Help = new("SECONDS", "wait before signalling old workers (default 0, 5 with\nauto-restart)"),
        Description = "wait this long before signalling old workers (default 0, or 5 with auto-restart)",
    };

    /// <summary>--backlog: listen(2) backlog. Defaults to SOMAXCONN (4096; the kernel caps it at net.core.somaxconn).</summary>
    public int Backlog { get; set; } = 4096;

    internal static readonly WholeOption BacklogOption = new("backlog", nameof(Backlog), o => o.Backlog, (o, v) => o.Backlog = v, new(1, int.MaxValue))
    {
        // Server::Starter: backlog ||= SOMAXCONN, so 0 means the default.
        ZeroKeepsConfigured = true,
        StartServer = true,
        Help = new("N", "listen backlog (default SOMAXCONN, 4096)"),
    };

    /// <summary>
    /// --readiness: how a new generation proves it has started: "interval" (it lived --interval, as with
    /// start_server) or "notify" (it sent READY=1 to the NOTIFY_SOCKET it was given). Defaults to interval.
    /// </summary>
    public ReadinessMode Readiness { get; set; } = ReadinessMode.Interval;

    internal static readonly ChoiceOption<ReadinessMode> ReadinessOption = new("readiness", nameof(Readiness), (o, v) => o.Readiness = v)
    {
        Help = new("interval|notify", $"a new generation has started once it lived {IntervalOption.Cli}\n(default), or once it sent READY=1 to its NOTIFY_SOCKET"),
        Description = $"how a new generation proves it has started: it lived `{IntervalOption.Cli}` (default), or it sent `READY=1` to its own `NOTIFY_SOCKET` (see [Safe handovers](#safe-handovers))",
    };

    /// <summary>--start-timeout: in notify mode, seconds a new worker has to send READY=1 before it counts as failed. Defaults to 60.</summary>
    public double StartTimeout { get; set; } = 60;

    internal static readonly NumberOption StartTimeoutOption = new("start-timeout", nameof(StartTimeout), o => o.StartTimeout, (o, v) => o.StartTimeout = v, new(0, 31536000))
    {
        Help = new("SECONDS", "notify: no READY=1 this long after the spawn is a failed\nstart (default 60)"),
        Description = "`notify`: a new worker that has not sent `READY=1` this long after its spawn failed to start (default 60)",
    };

    /// <summary>
    /// --drain-timeout: seconds a signalled worker (an old generation after a restart, every worker at a
    /// stop) may take to exit before its whole process group gets SIGKILL. 0 waits for ever, as
    /// start_server does. Under a service manager it also bounds how long a stop asks it for more time
    /// (EXTEND_TIMEOUT_USEC=). Defaults to 60.
    /// </summary>
    public double DrainTimeout { get; set; } = 60;

    internal static readonly NumberOption DrainTimeoutOption = new("drain-timeout", nameof(DrainTimeout), o => o.DrainTimeout, (o, v) => o.DrainTimeout = v, new(0, 31536000))
    {
        Help = new("SECONDS", "a signalled worker still alive this long later gets SIGKILL,\ngroup and all (default 60; 0: wait for ever)"),
        Description = "a signalled worker (an old generation, every worker at a stop) still alive this long after its signal gets `SIGKILL`, sent to its whole process group (default 60; 0: wait for ever, as start_server). Under systemd it also bounds `EXTEND_TIMEOUT_USEC=`",
    };

    /// <summary>--backoff-max: the longest wait, in seconds, between attempts after consecutive failed starts. 0 retries without waiting. Defaults to 30.</summary>
    public double BackoffMax { get; set; } = 30;

    internal static readonly NumberOption BackoffMaxOption = new("backoff-max", nameof(BackoffMax), o => o.BackoffMax, (o, v) => o.BackoffMax = v, new(0, 86400))
    {
        Help = new("SECONDS", "longest wait between attempts after failed starts\n(default 30)"),
        Description = "the longest wait between attempts after consecutive failed starts (default 30; 0: no backoff)",
    };

    /// <summary>--max-start-failures: consecutive failed starts after which a restart is abandoned while the old generation serves. 0 retries for ever. Defaults to 0.</summary>
    public int MaxStartFailures { get; set; }

    internal static readonly WholeOption MaxStartFailuresOption = new("max-start-failures", nameof(MaxStartFailures), o => o.MaxStartFailures, (o, v) => o.MaxStartFailures = v, new(0, int.MaxValue))
    {
        Help = new("N", "give a restart up after N failed starts in a row while the\nold generation serves (default 0: never)"),
        Description = "after N failed starts in a row while the old generation serves, give the restart up until the next HUP (default 0: retry for ever)",
    };

    /// <summary>--workers: processes per generation, each in a slot of its own (SERVER_STARTER_WORKER, 0 to N-1). Defaults to 1.</summary>
    public int Workers { get; set; } = 1;

    internal static readonly WholeOption WorkersOption = new("workers", nameof(Workers), o => o.Workers, (o, v) => o.Workers = v, new(1, 4096))
    {
        WholeOnCommandLine = true,
        Help = new("N", "processes per generation, each with SERVER_STARTER_WORKER=slot\n(0 to N-1); one that dies is respawned in its slot (default 1)"),
        Description = "processes per generation, each in a slot of its own (`SERVER_STARTER_WORKER`); one that dies is respawned in its slot (default 1; see [Worker pools](#worker-pools))",
    };

    /// <summary>
    /// --handover: how a pool hands over at a restart: "all" (the whole new generation starts, then the whole
    /// old one is signalled) or "rolling" (each new worker that has started retires the old worker of its
    /// slot). Defaults to all.
    /// </summary>
    public HandoverMode Handover { get; set; } = HandoverMode.All;

    internal static readonly ChoiceOption<HandoverMode> HandoverOption = new("handover", nameof(Handover), (o, v) => o.Handover = v)
    {
        Help = new("all|rolling", "all: the whole new generation starts, then the old one is\nsignalled (default); rolling: each new worker that started\nretires one old one"),
        Description = "how a pool is replaced at a `HUP`: the whole new generation starts, then the whole old one is signalled (`all`, default), or each new worker that has started retires the old one of its slot (`rolling`)",
    };

    /// <summary>--max-worker-lifetime: seconds after which a serving worker is replaced (±10 %), its replacement started first. 0 never. Defaults to 0.</summary>
    public double MaxWorkerLifetime { get; set; }

    internal static readonly NumberOption MaxWorkerLifetimeOption = new("max-worker-lifetime", nameof(MaxWorkerLifetime), o => o.MaxWorkerLifetime, (o, v) => o.MaxWorkerLifetime = v, new(0, 31536000))
    {
        Help = new("SECONDS", "replace a worker after this long (+-10 %), its replacement\nstarted first (default 0: never)"),
        Description = "replace each worker after this long, ±10 %; its replacement starts first (default 0: never)",
    };

    /// <summary>--max-worker-rss: MB (MiB) of resident memory past which a serving worker is replaced, its replacement started first. 0 never. Defaults to 0.</summary>
    public int MaxWorkerRss { get; set; }

    internal static readonly WholeOption MaxWorkerRssOption = new("max-worker-rss", nameof(MaxWorkerRss), o => o.MaxWorkerRss, (o, v) => o.MaxWorkerRss = v, new(0, 1048576))
    {
        WholeOnCommandLine = true,
        Help = new("MB", "replace a worker whose resident memory passes this (read\nevery 5 s; default 0: never)"),
        Description = "replace a worker whose resident memory (VmRSS, MiB) passes this, read every 5 s; its replacement starts first (default 0: never)",
    };

    /// <summary>
    /// --worker-watchdog: seconds a started worker may go without sending WATCHDOG=1 (sd_notify, WATCHDOG_USEC) before
    /// it is replaced as hung. 0 turns the watchdog off. Defaults to 0.
    /// </summary>
    public double WorkerWatchdog { get; set; }

    internal static readonly NumberOption WorkerWatchdogOption = new("worker-watchdog", nameof(WorkerWatchdog), o => o.WorkerWatchdog, (o, v) => o.WorkerWatchdog = v, new(0, 86400))
    {
        Help = new("SECONDS", "a started worker silent this long (no WATCHDOG=1) is replaced\nas hung (default 0: off)"),
        Description = "a started worker that sends no `WATCHDOG=1` (sd_notify, `WATCHDOG_USEC`) for this long is replaced as hung, then sent the watchdog signal (default 0: off; see [Hung workers](#hung-workers-and-resizing))",
    };

    /// <summary>--watchdog-signal: sent to a worker the watchdog found hung, once its replacement is on its way. Defaults to ABRT.</summary>
    public string WatchdogSignal { get; set; } = "ABRT";

    internal static readonly TextOption WatchdogSignalOption = new("watchdog-signal", nameof(WatchdogSignal), o => o.WatchdogSignal, (o, v) => o.WatchdogSignal = v)
    {
        Help = new("SIGNAL", "sent to a hung worker; its group gets KILL at the drain\ntimeout (default ABRT)"),
        Description = $"sent to a worker `{WorkerWatchdogOption.Cli}` found hung (systemd's `WatchdogSignal=`); its process group gets `KILL` at `{DrainTimeoutOption.Cli}` (default ABRT)",
    };

    /// <summary>--signal-group: send --signal-on-hup and --signal-on-term to the worker's whole process group (for shell-wrapped workers).</summary>
    public bool SignalGroup { get; set; }

    internal static readonly SwitchOption SignalGroupOption = new("signal-group", nameof(SignalGroup), o => o.SignalGroup, (o, v) => o.SignalGroup = v)
    {
        Help = new(null, "send HUP/TERM signals to the worker's whole process group"),
        Description = $"send `{SignalOnHupOption.Cli}` and `{SignalOnTermOption.Cli}` to the worker's whole process group (a worker wrapped in a shell)",
    };

    /// <summary>
    /// Workers get --signal-on-term when StarterHost dies, even by SIGKILL (prctl(PR_SET_PDEATHSIG) through
    /// an exec helper). --no-death-signal turns it off: workers then outlive a killed StarterHost, as under start_server. Defaults to true.
    /// </summary>
    public bool DeathSignal { get; set; } = true;

    internal static readonly SwitchOption DeathSignalOption = new("no-death-signal", nameof(DeathSignal), o => o.DeathSignal, (o, v) => o.DeathSignal = v)
    {
        Negated = true,
        Help = new(null, "workers outlive a killed StarterHost (start_server's way)"),
        Description = $"workers outlive a StarterHost that is killed, as under start_server (default: they get `{SignalOnTermOption.Cli}`)",
    };

    /// <summary>
    /// --listen-fds: also hand the listeners over as systemd's socket activation does (sd_listen_fds(3)):
    /// LISTEN_FDS, LISTEN_PID (the worker's own pid) and LISTEN_FDNAMES, the sockets at fds 3 upward in
    /// SERVER_STARTER_PORT order. Defaults to false.
    /// </summary>
    public bool ListenFds { get; set; }

    internal static readonly SwitchOption ListenFdsOption = new("listen-fds", nameof(ListenFds), o => o.ListenFds, (o, v) => o.ListenFds = v)
    {
        Help = new(null, "also hand the listeners over as socket activation does:\nLISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES (fds 3 upward)"),
        Description = "also hand the listeners over by systemd's socket activation protocol: `LISTEN_FDS`, `LISTEN_PID`, `LISTEN_FDNAMES` (see [Sockets and privileges](#sockets-and-privileges))",
    };

    /// <summary>
    /// --listen-fdnames: LISTEN_FDNAMES, one name per listener joined by ':', in SERVER_STARTER_PORT order.
    /// Defaults to each listener's SERVER_STARTER_PORT key with ':' replaced by '_'.
    /// </summary>
    public string? ListenFdNames { get; set; }

    internal static readonly TextOption ListenFdNamesOption = new("listen-fdnames", nameof(ListenFdNames), o => o.ListenFdNames, (o, v) => o.ListenFdNames = v)
    {
        Help = new("NAME:NAME...", "LISTEN_FDNAMES (default: each key, ':' made '_')"),
        Description = "`LISTEN_FDNAMES`, one per listener in `SERVER_STARTER_PORT` order (default: each key with `:` made `_`)",
    };

    /// <summary>--path-mode: the mode of the unix sockets --path creates, in octal. Defaults to 0777, as start_server's.</summary>
    public string? PathMode { get; set; }

    internal static readonly TextOption PathModeOption = new("path-mode", nameof(PathMode), o => o.PathMode, (o, v) => o.PathMode = v)
    {
        Help = new("OCTAL", $"mode of the {PathOption.Cli} sockets (default 0777)"),
        Description = $"mode of the unix sockets `{PathOption.Cli}` creates (default 0777), as systemd's `SocketMode=`",
    };

    /// <summary>--path-owner: USER or USER:GROUP (or :GROUP) to own the unix sockets --path creates. Defaults to StarterHost's own.</summary>
    public string? PathOwner { get; set; }

    internal static readonly TextOption PathOwnerOption = new("path-owner", nameof(PathOwner), o => o.PathOwner, (o, v) => o.PathOwner = v)
    {
        Help = new("USER[:GROUP]", $"owner of the {PathOption.Cli} sockets"),
        Description = "owner (and group; `USER:` for the user's, `:GROUP` for the group alone) of those sockets, as `SocketUser=`/`SocketGroup=`",
    };

    /// <summary>--user: run the workers as this user (name or uid), with its groups. Defaults to StarterHost's own.</summary>
    public string? User { get; set; }

    internal static readonly TextOption UserOption = new("user", nameof(User), o => o.User, (o, v) => o.User = v)
    {
        Help = new("USER", "run the workers as this user, with its groups"),
        Description = "run every worker as this user (name or uid), with its groups; StarterHost keeps root",
    };

    /// <summary>--group: run the workers with this group (name or gid). Defaults to the --user's group.</summary>
    public string? Group { get; set; }

    internal static readonly TextOption GroupOption = new("group", nameof(Group), o => o.Group, (o, v) => o.Group = v)
    {
        Help = new("GROUP", "run the workers with this group (default: the user's)"),
        Description = "run every worker with this group (default: the user's own)",
    };

    /// <summary>
    /// --check-command: a shell command run on each HUP, before the new generation is spawned, in the
    /// workers' environment, directory and identity; a non-zero exit refuses the restart. Defaults to none.
    /// </summary>
    public string? CheckCommand { get; set; }

    internal static readonly TextOption CheckCommandOption = new("check-command", nameof(CheckCommand), o => o.CheckCommand, (o, v) => o.CheckCommand = v)
    {
        Help = new("\"COMMAND\"", "run on each HUP before spawning, as a worker would; a\nnon-zero exit refuses the restart"),
        Description = "on each `HUP`, run `/bin/sh -c COMMAND` as a worker would run, before spawning; a non-zero exit refuses the restart",
    };

    /// <summary>--check-timeout: seconds --check-command may run before it is killed and the restart refused. Defaults to 60.</summary>
    public double CheckTimeout { get; set; } = 60;

    internal static readonly NumberOption CheckTimeoutOption = new("check-timeout", nameof(CheckTimeout), o => o.CheckTimeout, (o, v) => o.CheckTimeout = v, new(0.001, 86400))
    {
        Help = new("SECONDS", "kill the check and refuse the restart after this long\n(default 60)"),
        Description = "a check still running this long is killed and refuses the restart (default 60)",
    };

    /// <summary>
    /// --upgrade-exec: the file an upgrade in place (SIGUSR2) executes instead of the one StarterHost was started from
    /// (a .dll: run by the same dotnet host). Defaults to none: the file started from, by its path resolved at start.
    /// </summary>
    public string? UpgradeExec { get; set; }

    internal static readonly TextOption UpgradeExecOption = new("upgrade-exec", nameof(UpgradeExec), o => o.UpgradeExec, (o, v) => o.UpgradeExec = v)
    {
        AfterAbbreviations = true,
        Help = new("PATH", "on SIGUSR2 exec this file instead of the one StarterHost\nwas started from"),
        Description = "on `USR2` (an upgrade in place), execute this file instead of the one StarterHost was started from; a `.dll` is run by the same dotnet host",
    };

    internal static readonly CommandLineOption ConfigOption = new("config", null)
    {
        Help = new("FILE", "also read this JSON file, after appsettings.json\n(repeatable)"),
        Description = "also read this JSON file, after `appsettings.{Environment}.json`; must exist. Repeatable.",
    };

    internal static readonly CommandLineOption RestartOption = new("restart", CliMode.Restart)
    {
        StartServer = true,
        Help = new(null, "send SIGHUP and wait until the new generation alone runs"),
        Description = $"send SIGHUP to the instance in `{PidFileOption.Cli}`, wait until the status file names one newer generation alone",
    };

    internal static readonly CommandLineOption ReloadOption = new("reload", CliMode.Reload)
    {
        Help = new(null, "send SIGHUP and wait until the new generation serves\n(for ExecReload=)"),
        Description = $"like `{RestartOption.Cli}`, but returns as soon as the new generation serves, without waiting for the old ones to drain (for `ExecReload=`)",
    };

    internal static readonly CommandLineOption StopOption = new("stop", CliMode.Stop)
    {
        StartServer = true,
        Help = new(null, "send SIGTERM and wait until the superdaemon has exited"),
        Description = $"send SIGTERM to the instance in `{PidFileOption.Cli}`, wait until it has exited",
    };

    internal static readonly CommandLineOption UpgradeOption = new("upgrade", CliMode.Upgrade)
    {
        AfterAbbreviations = true,
        Help = new(null, "send SIGUSR2 and wait until the instance runs the new file\n(upgrade in place: same pid, workers untouched)"),
        Description = $"send SIGUSR2 to the instance in `{PidFileOption.Cli}` and wait until it has upgraded itself in place (same pid, workers untouched); exit 1 with the reason if the upgrade was refused or rolled back",
    };

    internal static readonly CommandLineOption StatusOption = new("status", CliMode.Status)
    {
        Help = new(null, $"print what {StatusJsonOption.Cli} says; exit 0 if a worker serves,\n2 if none does, 3 if StarterHost is not running"),
        Description = $"print what `{StatusJsonOption.Cli}` says; exit 0 if a worker serves, 2 if none does, 3 if StarterHost is not running",
    };

    /// <summary>--timeout: how long --restart, --reload and --stop wait before giving up, in seconds. 0 waits forever. Defaults to 0.</summary>
    public double Timeout { get; set; }

    internal static readonly NumberOption TimeoutOption = new("timeout", nameof(Timeout), o => o.Timeout, (o, v) => o.Timeout = v, new(0, 31536000))
    {
        Help = new("SECONDS", $"give up {RestartOption.Cli}, {ReloadOption.Cli}, {StopOption.Cli} and {UpgradeOption.Cli}\nafter this long (default: wait)"),
        Description = $"`{RestartOption.Cli}`, `{ReloadOption.Cli}`, `{StopOption.Cli}` and `{UpgradeOption.Cli}` give up (exit 1, with the reason) after this long; default: wait",
    };

    internal static readonly CommandLineOption HelpOption = new("help", CliMode.Help)
    {
        StartServer = true,
        Help = new(null, "print this help"),
    };

    internal static readonly CommandLineOption VersionOption = new("version", CliMode.Version)
    {
        StartServer = true,
        Help = new(null, "print the version"),
    };

    /// <summary>Every option, in the order --help lists them.</summary>
    internal static readonly IReadOnlyList<Option> Declared =
    [
        PortOption, PathOption, CommandOption, DirOption, IntervalOption, SignalOnHupOption, SignalOnTermOption, PidFileOption,
        StatusFileOption, StatusJsonOption, MetricsOption, EnvDirOption, LogFileOption, DaemonizeOption, EnableAutoRestartOption,
        AutoRestartIntervalOption, KillOldDelayOption, BacklogOption, ReadinessOption, StartTimeoutOption, DrainTimeoutOption,
        BackoffMaxOption, MaxStartFailuresOption, WorkersOption, HandoverOption, MaxWorkerLifetimeOption, MaxWorkerRssOption,
        WorkerWatchdogOption, WatchdogSignalOption,
        SignalGroupOption, DeathSignalOption, ListenFdsOption, ListenFdNamesOption, PathModeOption, PathOwnerOption, UserOption,
        GroupOption, CheckCommandOption, CheckTimeoutOption, UpgradeExecOption, ConfigOption, RestartOption, ReloadOption, StopOption,
        UpgradeOption, StatusOption, TimeoutOption, HelpOption, VersionOption,
    ];
}
