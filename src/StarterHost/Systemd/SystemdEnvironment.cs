using System.Collections;
using System.Globalization;

namespace StarterHost.Systemd;

/// <summary>
/// What the service manager told this process through its environment (man sd_notify, sd_watchdog_enabled,
/// sd_listen_fds). Read once at start, from the variables as they were when the process began.
/// </summary>
internal sealed class SystemdEnvironment
{
    public const string NotifySocket = "NOTIFY_SOCKET";
    public const string WatchdogUsec = "WATCHDOG_USEC";
    public const string WatchdogPid = "WATCHDOG_PID";
    public const string ListenPid = "LISTEN_PID";
    public const string ListenFds = "LISTEN_FDS";
    public const string ListenFdNames = "LISTEN_FDNAMES";
    public const string ExecPid = "SYSTEMD_EXEC_PID";

    /// <summary>
    /// Addressed to StarterHost alone. A worker that inherited NOTIFY_SOCKET could, under NotifyAccess=all,
    /// be taken for the unit itself; WATCHDOG_*, LISTEN_* and SYSTEMD_EXEC_PID name this process's pid and fds.
    /// </summary>
    public static readonly IReadOnlySet<string> UnitVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        NotifySocket, WatchdogUsec, WatchdogPid, ListenPid, ListenFds, ListenFdNames, ExecPid,
    };

    public SystemdEnvironment(IDictionary variables, int ownPid)
    {
        string? Get(string name) => variables[name] as string;

        NotifySocketName = Get(NotifySocket) is { Length: > 0 } socket ? socket : null;

        // sd_watchdog_enabled: WATCHDOG_USEC applies unless WATCHDOG_PID names another process.
        if (Parse(Get(WatchdogUsec)) is { } usec and > 0
            && (Get(WatchdogPid) is not { Length: > 0 } watchdogPid || Parse(watchdogPid) == (ulong)ownPid))
        {
            // Half the interval, as sd_watchdog_enabled's callers are told to use.
            WatchdogPeriod = TimeSpan.FromMicroseconds(usec / 2.0);
        }

        // sd_listen_fds: the sockets are ours only when LISTEN_PID is this process.
        if (Parse(Get(ListenPid)) == (ulong)ownPid && Parse(Get(ListenFds)) is { } count and > 0 and < 4096)
        {
            PassedSocketCount = (int)count;
            var names = Get(ListenFdNames)?.Split(':');
            PassedSocketNames = names?.Length == (int)count ? names : null;
        }
    }

    /// <summary>The first socket passed by socket activation is always fd 3 (SD_LISTEN_FDS_START).</summary>
    public const int FirstPassedFd = 3;

    /// <summary>How many sockets socket activation passed to this process (LISTEN_FDS), 0 for none.</summary>
    public int PassedSocketCount { get; }

    /// <summary>Their FileDescriptorName= values, in fd order, when LISTEN_FDNAMES names each of them.</summary>
    public IReadOnlyList<string>? PassedSocketNames { get; }

    /// <summary>Where sd_notify datagrams go (a path, or an abstract "@name"), or null when no service manager listens.</summary>
    public string? NotifySocketName { get; }

    /// <summary>How often to send WATCHDOG=1, or null when no watchdog applies to this process.</summary>
    public TimeSpan? WatchdogPeriod { get; }

    private static ulong? Parse(string? value) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n) ? n : null;
}
