using Microsoft.Extensions.Logging;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Logging;
using StarterHost.Readiness;

namespace StarterHost.Supervision;

/// <summary>
/// One worker's notify socket as the loop reads it: only datagrams of the worker's process group count
/// (<see cref="NotifyAccess"/>; the first refused one is logged, the rest counted); at most
/// <see cref="PerWake"/> are read per wake-up, so that a flood cannot keep the loop from signals and timers;
/// STATUS= goes through a <see cref="StatusThrottle"/>, READY=1 never waits. Loop thread only.
/// </summary>
internal sealed class WorkerNotifications : IDisposable
{
    public const int PerWake = 64;
    // At the worker's exit: what it said before it went, not what its group may go on sending.
    private const int AtExit = 1024;

    private readonly int _pid;
    private readonly NotifySocket _socket;
    private readonly ILogger _logger;
    private readonly Action<StarterEvent> _post;
    private readonly StatusThrottle _status;
    private int _refused;

    public WorkerNotifications(int pid, NotifySocket socket, TimeProvider time, ILogger logger, Action<StarterEvent> post)
    {
        (_pid, _socket, _logger, _post) = (pid, socket, logger, post);
        _status = new StatusThrottle(time, (text, unshown) => post(new WorkerNotified(pid, false, text, unshown)));
    }

    public int Fd => _socket.Fd;

    public string Path => _socket.Path;

    public void Receive() => Receive(PerWake);

    private void Receive(int max)
    {
        // WATCHDOG=1 alone, however often it came in this read, is one event: a worker pinging in a loop costs a recvmsg each, not an Apply.
        bool pinged = false;
        foreach (var (sender, message) in _socket.Receive(max))
        {
            if (!NotifyAccess.Allows(_pid, sender, Posix.ProcessGroupOf))
            {
                if (_refused++ == 0)
                    Log.NotifyRefused(_logger, _pid, sender);
                continue;
            }
            string? status = message.Status is { } text ? _status.Offer(text) : null;
            if (message.Ready || status is not null || message.Watchdog == WatchdogMessage.Trigger)
                _post(new WorkerNotified(_pid, message.Ready, status, Watchdog: message.Watchdog));
            else
                pinged |= message.Watchdog == WatchdogMessage.Ping;
        }
        if (pinged)
            _post(new WorkerNotified(_pid, false, null, Watchdog: WatchdogMessage.Ping));
    }

    /// <summary>The worker has been reaped: what it said before it went still counts (READY=1 right before exiting, say), held STATUS= too.</summary>
    public void Close()
    {
        Receive(AtExit);
        _status.Flush();
        if (_refused > 1)
            Log.NotifyRefusedInAll(_logger, _pid, _refused);
        Dispose();
    }

    public void Dispose()
    {
        _status.Dispose();
        _socket.Dispose();
    }
}
