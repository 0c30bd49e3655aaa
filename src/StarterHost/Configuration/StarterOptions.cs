using StarterHost.Generations;

namespace StarterHost.Configuration;

/// <summary>
/// Every setting of the superdaemon, bound from the "Starter" configuration section. Each has the
/// start_server option of the same meaning; its command-line form is given with it.
/// </summary>
public sealed class StarterOptions
{
    public const string SectionName = "Starter";

    /// <summary>--port: TCP/UDP ports to bind (PORT, HOST:PORT, [V6]:PORT, uPORT, ...=FD). Repeatable.</summary>
    public List<string> Port { get; set; } = [];

    /// <summary>--path: unix sockets to create and listen on. Repeatable.</summary>
    public List<string> Path { get; set; } = [];

    /// <summary>The worker command and its arguments (what follows "--" on the command line).</summary>
    public List<string> Command { get; set; } = [];

    /// <summary>--interval: seconds a new worker must survive to count as started. Defaults to 1.</summary>
    [OptionRange(0, 86400, "interval")]
    public double Interval { get; set; } = 1;

    /// <summary>--signal-on-hup: sent to old workers once a new generation has started. Defaults to TERM.</summary>
    public string SignalOnHup { get; set; } = "TERM";

    /// <summary>--signal-on-term: sent to every worker when StarterHost gets SIGTERM. Defaults to TERM.</summary>
    public string SignalOnTerm { get; set; } = "TERM";

    /// <summary>--backlog: listen(2) backlog. Defaults to SOMAXCONN (4096; the kernel caps it at net.core.somaxconn).</summary>
    [OptionRange(1, int.MaxValue, "backlog")]
    public int Backlog { get; set; } = 4096;

    /// <summary>--pid-file: where to write (and lock) StarterHost's pid.</summary>
    public string? PidFile { get; set; }

    /// <summary>--status-file: where to write the "generation:pid" lines of the live workers.</summary>
    public string? StatusFile { get; set; }

    /// <summary>
    /// --status-json: where to write, as JSON (docs/status.schema.json), every worker process with its state and
    /// times, StarterHost's pid and version, the counters and the last failure; what --status reads. Defaults to none.
    /// </summary>
    public string? StatusJson { get; set; }

    /// <summary>--log-file: a file to append StarterHost's and the workers' output to, or "| command".</summary>
    public string? LogFile { get; set; }

    /// <summary>--dir: working directory of the workers.</summary>
    public string? Dir { get; set; }

    /// <summary>--envdir (or ENVDIR): directory of FILE=value environment entries, re-read before each spawn.</summary>
    public string? EnvDir { get; set; }

    /// <summary>--enable-auto-restart (or ENABLE_AUTO_RESTART): restart the workers every AutoRestartInterval.</summary>
    public bool EnableAutoRestart { get; set; }

    /// <summary>--auto-restart-interval (or AUTO_RESTART_INTERVAL): seconds between automatic restarts. Defaults to 360.</summary>
    [OptionRange(0, 31536000, "auto-restart-interval")]
    public double? AutoRestartInterval { get; set; }

    /// <summary>--kill-old-delay (or KILL_OLD_DELAY): seconds to wait before signalling old workers. Defaults to 0, or 5 with auto-restart.</summary>
    [OptionRange(0, 86400, "kill-old-delay")]
    public double? KillOldDelay { get; set; }

    /// <summary>--daemonize: detach from the terminal (requires LogFile).</summary>
    public bool Daemonize { get; set; }

    /// <summary>
    /// --drain-timeout: seconds a signalled worker (an old generation after a restart, every worker at a
    /// stop) may take to exit before its whole process group gets SIGKILL. 0 waits for ever, as
    /// start_server does. Under a service manager it also bounds how long a stop asks it for more time
    /// (EXTEND_TIMEOUT_USEC=). Defaults to 60.
    /// </summary>
    [OptionRange(0, 31536000, "drain-timeout")]
    public double DrainTimeout { get; set; } = 60;

    /// <summary>
    /// --readiness: how a new generation proves it has started: "interval" (it lived --interval, as with
    /// start_server) or "notify" (it sent READY=1 to the NOTIFY_SOCKET it was given). Defaults to interval.
    /// </summary>
    public ReadinessMode Readiness { get; set; } = ReadinessMode.Interval;

    /// <summary>--start-timeout: in notify mode, seconds a new worker has to send READY=1 before it counts as failed. Defaults to 60.</summary>
    [OptionRange(0, 31536000, "start-timeout")]
    public double StartTimeout { get; set; } = 60;

    /// <summary>--backoff-max: the longest wait, in seconds, between attempts after consecutive failed starts. 0 retries without waiting. Defaults to 30.</summary>
    [OptionRange(0, 86400, "backoff-max")]
    public double BackoffMax { get; set; } = 30;

    /// <summary>--max-start-failures: consecutive failed starts after which a restart is abandoned while the old generation serves. 0 retries for ever. Defaults to 0.</summary>
    [OptionRange(0, int.MaxValue, "max-start-failures")]
    public int MaxStartFailures { get; set; }

    /// <summary>--signal-group: send --signal-on-hup and --signal-on-term to the worker's whole process group (for shell-wrapped workers).</summary>
    public bool SignalGroup { get; set; }

    /// <summary>
    /// Workers get --signal-on-term when StarterHost dies, even by SIGKILL (prctl(PR_SET_PDEATHSIG) through
    /// an exec helper). --no-death-signal turns it off: workers then outlive a killed StarterHost, as under start_server. Defaults to true.
    /// </summary>
    public bool DeathSignal { get; set; } = true;

    /// <summary>--workers: processes per generation, each in a slot of its own (SERVER_STARTER_WORKER, 0 to N-1). Defaults to 1.</summary>
    [OptionRange(1, 4096, "workers")]
    public int Workers { get; set; } = 1;

    /// <summary>
    /// --handover: how a pool hands over at a restart: "all" (the whole new generation starts, then the whole
    /// old one is signalled) or "rolling" (each new worker that has started retires the old worker of its
    /// slot). Defaults to all.
    /// </summary>
    public HandoverMode Handover { get; set; } = HandoverMode.All;

    /// <summary>--max-worker-lifetime: seconds after which a serving worker is replaced (±10 %), its replacement started first. 0 never. Defaults to 0.</summary>
    [OptionRange(0, 31536000, "max-worker-lifetime")]
    public double MaxWorkerLifetime { get; set; }

    /// <summary>--max-worker-rss: MB (MiB) of resident memory past which a serving worker is replaced, its replacement started first. 0 never. Defaults to 0.</summary>
    [OptionRange(0, 1048576, "max-worker-rss")]
    public int MaxWorkerRss { get; set; }

    /// <summary>
    /// --listen-fds: also hand the listeners over as systemd's socket activation does (sd_listen_fds(3)):
    /// LISTEN_FDS, LISTEN_PID (the worker's own pid) and LISTEN_FDNAMES, the sockets at fds 3 upward in
    /// SERVER_STARTER_PORT order. Defaults to false.
    /// </summary>
    public bool ListenFds { get; set; }

    /// <summary>
    /// --listen-fdnames: LISTEN_FDNAMES, one name per listener joined by ':', in SERVER_STARTER_PORT order.
    /// Defaults to each listener's SERVER_STARTER_PORT key with ':' replaced by '_'.
    /// </summary>
    public string? ListenFdNames { get; set; }

    /// <summary>--path-mode: the mode of the unix sockets --path creates, in octal. Defaults to 0777, as start_server's.</summary>
    public string? PathMode { get; set; }

    /// <summary>--path-owner: USER or USER:GROUP (or :GROUP) to own the unix sockets --path creates. Defaults to StarterHost's own.</summary>
    public string? PathOwner { get; set; }

    /// <summary>--user: run the workers as this user (name or uid), with its groups. Defaults to StarterHost's own.</summary>
    public string? User { get; set; }

    /// <summary>--group: run the workers with this group (name or gid). Defaults to the --user's group.</summary>
    public string? Group { get; set; }

    /// <summary>
    /// --check-command: a shell command run on each HUP, before the new generation is spawned, in the
    /// workers' environment, directory and identity; a non-zero exit refuses the restart. Defaults to none.
    /// </summary>
    public string? CheckCommand { get; set; }

    /// <summary>--check-timeout: seconds --check-command may run before it is killed and the restart refused. Defaults to 60.</summary>
    [OptionRange(0.001, 86400, "check-timeout")]
    public double CheckTimeout { get; set; } = 60;

    /// <summary>--timeout: how long --restart, --reload and --stop wait before giving up, in seconds. 0 waits forever. Defaults to 0.</summary>
    [OptionRange(0, 31536000, "timeout")]
    public double Timeout { get; set; }
}
