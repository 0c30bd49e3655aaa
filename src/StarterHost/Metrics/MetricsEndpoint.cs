using StarterHost.Interop;

namespace StarterHost.Metrics;

/// <summary>
/// <c>GET /metrics</c> on a socket of StarterHost's own, served from the event loop: non-blocking accepts and I/O, at
/// most <see cref="ScrapeLimits.MaxConnections"/> scrapes at a time (one more is closed as soon as it is accepted, so that a flood
/// costs an accept and a close each and never fills the loop), a bounded request with a deadline, one answer per
/// connection. Between scrapes nothing runs: the listener waits in the loop's poll like the other sockets.
/// </summary>
/// <remarks>On the loop thread only, from <see cref="Start"/> to <see cref="Dispose"/>.</remarks>
/// <param name="socket">The bound, listening, non-blocking socket (<see cref="MetricsSocket.Bind"/>); the endpoint closes it.</param>
/// <param name="exposition">The body of a scrape, rendered on the loop thread when a request asks for it.</param>
/// <param name="onFault">Told of what should not happen (a bug, or accept failing for lack of descriptors); the loop goes on.</param>
/// <param name="limits"><see cref="ScrapeLimits.Default"/> unless given.</param>
internal sealed class MetricsEndpoint(MetricsSocket socket, IMetricsLoop loop, Func<byte[]> exposition, Action<Exception> onFault, ScrapeLimits? limits = null)
    : IDisposable
{
    /// <summary>Connections accepted per wake-up, so that a flood of them cannot keep the loop from signals and timers.</summary>
    private const int AcceptsPerWake = 64;

    /// <summary>How long accepting pauses after it failed (EMFILE): a listener left readable would wake the loop at once, for ever.</summary>
    public static readonly TimeSpan AcceptPause = TimeSpan.FromSeconds(1);

    private readonly ScrapeLimits _limits = limits ?? ScrapeLimits.Default;
    private readonly HashSet<ScrapeConnection> _open = [];
    private IDisposable? _pause;

    /// <summary>Scrape connections open now.</summary>
    public int OpenConnections => _open.Count;

    /// <summary>The descriptors it holds: its listener and each open connection's.</summary>
    public IReadOnlyList<int> Descriptors => [socket.Fd, .. _open.Select(c => c.Fd)];

    /// <summary>Connections closed as soon as accepted because as many as allowed were open.</summary>
    public long Refused { get; private set; }

    /// <summary>The listening socket, as an upgrade in place hands it over.</summary>
    public Upgrade.CarriedMetricsSocket Carried => socket.Carried;

    public void Start() => loop.WatchReadable(socket.Fd, OnAcceptable);

    /// <summary>
    /// Before an exec: accepts no more (what connects waits in the listener's backlog for the next image, which
    /// accepts it), and returns whether scrapes are still open, which the exec would cut off. <see cref="Start"/> undoes it.
    /// </summary>
    public bool StopAccepting()
    {
        _pause?.Dispose();
        _pause = null;
        loop.Unwatch(socket.Fd);
        return _open.Count > 0;
    }

    private void OnAcceptable()
    {
        try
        {
            for (int i = 0; i < AcceptsPerWake; i++)
            {
                int fd = Posix.AcceptNonBlocking(socket.Fd);
                if (fd < 0)
                    return;
                if (_open.Count >= _limits.MaxConnections)
                {
                    Posix.Close(fd);
                    Refused++;
                    continue;
                }
                var connection = new ScrapeConnection(fd, loop, _limits, exposition, closed => _open.Remove(closed), onFault);
                _open.Add(connection);
                connection.Start();
            }
        }
        catch (PosixException e)
        {
            loop.Unwatch(socket.Fd);
            _pause = loop.StartTimer(AcceptPause, Start);
            onFault(e);
        }
    }

    public void Dispose()
    {
        _pause?.Dispose();
        foreach (var connection in _open.ToList())
            connection.Close();
        loop.Unwatch(socket.Fd);
        socket.Dispose();
    }
}
