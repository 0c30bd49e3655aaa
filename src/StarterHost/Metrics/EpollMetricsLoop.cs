using StarterHost.Interop;
using StarterHost.Supervision;

namespace StarterHost.Metrics;

/// <summary>
/// The metrics endpoint's descriptors, its listener and every scrape connection, kept in one epoll set whose own fd
/// is the only one the host's event loop watches: the host needs no more than "call me when this fd is readable"
/// and a <see cref="TimeProvider"/> whose timers fire on its thread, and its poll set does not grow with connections.
/// The set is level-triggered: a callback that leaves its fd ready is called again on the loop's next turn, after the
/// loop has seen to signals and timers. Nothing here wakes the loop while nobody connects.
/// </summary>
internal sealed class EpollMetricsLoop : IMetricsLoop, IDisposable
{
    /// <summary>At most this many descriptors are served per wake-up of the host loop; the rest on its next turn.</summary>
    private const int ReadyPerWake = 32;

    private readonly int _epollFd = Posix.CreateEpoll();
    private readonly Dictionary<int, (Action Callback, bool Writable)> _watched = [];
    private readonly Action<int> _unwatchHost;
    private readonly TimeProvider _timers;

    /// <param name="watchHost">Has the host loop call the callback on its thread whenever the fd is readable.</param>
    /// <param name="unwatchHost">Undoes <paramref name="watchHost"/>.</param>
    /// <param name="timers">Timers that fire on the host loop's thread.</param>
    public EpollMetricsLoop(Action<int, Action> watchHost, Action<int> unwatchHost, TimeProvider timers)
    {
        _unwatchHost = unwatchHost;
        _timers = timers;
        watchHost(_epollFd, Dispatch);
    }

    /// <summary>On the supervisor's <see cref="EventLoop"/> and its <see cref="LoopTimers"/>.</summary>
    public static EpollMetricsLoop On(EventLoop loop, LoopTimers timers) => new(loop.Watch, loop.Unwatch, timers);

    /// <summary>The epoll set's own descriptor, the one the host loop watches.</summary>
    public int Fd => _epollFd;

    /// <summary>How many descriptors the set holds.</summary>
    public int Count => _watched.Count;

    public void WatchReadable(int fd, Action onReadable) => Watch(fd, onReadable, writable: false);

    public void WatchWritable(int fd, Action onWritable) => Watch(fd, onWritable, writable: true);

    public void Unwatch(int fd)
    {
        if (_watched.Remove(fd))
            Posix.EpollForget(_epollFd, fd);
    }

    public IDisposable StartTimer(TimeSpan delay, Action onDue) =>
        _timers.CreateTimer(static state => ((Action)state!)(), onDue, delay, Timeout.InfiniteTimeSpan);

    private void Watch(int fd, Action callback, bool writable)
    {
        bool added = _watched.ContainsKey(fd);
        Posix.EpollWatch(_epollFd, fd, readable: !writable, writable, added);
        _watched[fd] = (callback, writable);
    }

    /// <summary>
    /// Waits up to <paramref name="milliseconds"/> for a descriptor of the set, and serves what is ready: for the one
    /// moment the host loop cannot, just before an exec. Its timers do not run meanwhile.
    /// </summary>
    public void RunOnce(int milliseconds)
    {
        if (Posix.WaitReadable([_epollFd], milliseconds)[0])
            Dispatch();
    }

    /// <summary>The host loop says the set's fd is readable: some descriptor in it is ready.</summary>
    private void Dispatch()
    {
        Span<(int Fd, bool Readable, bool Writable)> ready = stackalloc (int, bool, bool)[ReadyPerWake];
        int count = Posix.EpollReady(_epollFd, ready);
        for (int i = 0; i < count; i++)
        {
            var (fd, readable, writable) = ready[i];
            // A callback earlier in this batch may have closed this fd, or changed what it waits for.
            if (_watched.TryGetValue(fd, out var watch) && (watch.Writable ? writable : readable))
                watch.Callback();
        }
    }

    public void Dispose()
    {
        _unwatchHost(_epollFd);
        _watched.Clear();
        Posix.Close(_epollFd);
    }
}
