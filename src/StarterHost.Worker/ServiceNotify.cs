using System.Net.Sockets;
using System.Text;

namespace StarterHost.Worker;

/// <summary>
/// sd_notify(3) for a worker: tells whoever set <c>NOTIFY_SOCKET</c> (StarterHost with
/// <c>--readiness=notify</c> or <c>--worker-watchdog</c>, or systemd) that this process is ready, alive, or what it is doing. Without the
/// variable every call does nothing, so a worker may call it unconditionally.
/// </summary>
public static class ServiceNotify
{
    /// <summary>The variable naming the unix datagram socket to notify: a path, or an abstract name after "@".</summary>
    public const string SocketVariable = "NOTIFY_SOCKET";

    /// <summary>True when <c>NOTIFY_SOCKET</c> is set.</summary>
    public static bool IsEnabled => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SocketVariable));

    /// <summary>Sends <c>READY=1</c>: this worker accepts connections. Returns false when there is nobody to tell.</summary>
    /// <exception cref="SocketException">The socket is named but cannot be reached.</exception>
    public static bool Ready() => Send("READY=1");

    /// <summary>Sends <c>STATUS=</c><paramref name="text"/>, shown by the superdaemon (and <c>systemctl status</c>).</summary>
    /// <exception cref="SocketException">The socket is named but cannot be reached.</exception>
    public static bool Status(string text) => Send($"STATUS={text.ReplaceLineEndings(" ")}");

    /// <summary>The watchdog's period in microseconds (StarterHost's <c>--worker-watchdog</c>, systemd's <c>WatchdogSec=</c>).</summary>
    public const string WatchdogUsecVariable = "WATCHDOG_USEC";

    /// <summary>The process the watchdog is for: a child that inherited the variables is not it.</summary>
    public const string WatchdogPidVariable = "WATCHDOG_PID";

    /// <summary>
    /// sd_watchdog_enabled(3): the period within which this process must send <c>WATCHDOG=1</c>, or null when no
    /// watchdog watches it (no <c>WATCHDOG_USEC</c>, or <c>WATCHDOG_PID</c> names another process). Ping at half of it.
    /// </summary>
    public static TimeSpan? WatchdogPeriod =>
        WatchdogPeriodFor(Environment.GetEnvironmentVariable(WatchdogUsecVariable), Environment.GetEnvironmentVariable(WatchdogPidVariable), Environment.ProcessId);

    /// <summary>As <see cref="WatchdogPeriod"/>, from the variables' values and this process's pid.</summary>
    public static TimeSpan? WatchdogPeriodFor(string? watchdogUsec, string? watchdogPid, int ownPid)
    {
        if (!ulong.TryParse(watchdogUsec, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong usec) || usec == 0)
            return null;
        if (!string.IsNullOrEmpty(watchdogPid)
            && (!int.TryParse(watchdogPid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) || pid != ownPid))
            return null;
        return TimeSpan.FromMicroseconds(usec);
    }

    /// <summary>
    /// Sends <c>WATCHDOG=1</c>: this worker is alive. Under <c>--worker-watchdog</c> it must be sent at least once per
    /// <see cref="WatchdogPeriod"/>, from code that stops running when the worker is stuck. Returns false when there is nobody to tell.
    /// </summary>
    /// <exception cref="SocketException">The socket is named but cannot be reached.</exception>
    public static bool Watchdog() => Send("WATCHDOG=1");

    /// <summary>Sends <c>WATCHDOG=trigger</c>: this worker knows it is broken; it is replaced at once, as a silent one would be.</summary>
    /// <exception cref="SocketException">The socket is named but cannot be reached.</exception>
    public static bool WatchdogTrigger() => Send("WATCHDOG=trigger");

    /// <summary>Sends newline-separated <c>VARIABLE=value</c> assignments, as sd_notify(3) does.</summary>
    /// <exception cref="SocketException">The socket is named but cannot be reached.</exception>
    public static bool Send(string state) => SendTo(Environment.GetEnvironmentVariable(SocketVariable), state);

    /// <summary>As <see cref="Send(string)"/>, to the socket named (as <c>NOTIFY_SOCKET</c> names it); false when it is null or empty.</summary>
    /// <exception cref="SocketException">The socket cannot be reached.</exception>
    public static bool SendTo(string? socketName, string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (string.IsNullOrEmpty(socketName))
            return false;
        // An abstract socket name starts with a NUL byte where the variable has "@".
        string path = socketName[0] == '@' ? "\0" + socketName[1..] : socketName;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(path));
        return true;
    }
}
