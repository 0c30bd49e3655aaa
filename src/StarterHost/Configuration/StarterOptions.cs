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
    /// Under a service manager: how long a stop may keep asking it (EXTEND_TIMEOUT_USEC=) to wait
    /// beyond its own TimeoutStopSec= for workers that are still draining. 0 never asks. Defaults to 300.
    /// </summary>
    [OptionRange(0, 31536000, "drain-timeout")]
    public double DrainTimeout { get; set; } = 300;

    /// <summary>--timeout: how long --restart and --stop wait before giving up, in seconds. 0 waits forever. Defaults to 0.</summary>
    [OptionRange(0, 31536000, "timeout")]
    public double Timeout { get; set; }
}
