using StarterHost.Interop;

namespace StarterHost.Supervision;

/// <summary>
/// The supervisor's thread. It sleeps in poll(2) on an eventfd that other threads bump (<see cref="Wake"/>: the
/// signal handlers) and on the notify sockets and exec reports of starting workers, for as long as the step it
/// runs says (the next timer), and wakes for nothing else: no polling interval, no periodic wake-up. It runs on the
/// main thread, which also spawns the workers: a parent-death signal fires when the spawning thread exits, and this
/// one lives as long as the process.
/// </summary>
internal sealed class EventLoop : IDisposable
{
    private readonly int _wakeFd = Posix.CreateEventFd();
    private readonly Dictionary<int, Action> _watched = [];
    private long _bumps;

    /// <summary>How many times poll has returned: each is one wake-up of the loop thread.</summary>
    public long Wakes { get; private set; }

    /// <summary>How many times another thread has bumped the eventfd.</summary>
    public long Bumps => Interlocked.Read(ref _bumps);

    /// <summary>Ends the loop's sleep. For other threads: the loop thread never needs to wake itself.</summary>
    public void Wake()
    {
        Interlocked.Increment(ref _bumps);
        Posix.SignalEventFd(_wakeFd);
    }

    /// <summary>Calls <paramref name="onReadable"/> on the loop thread whenever <paramref name="fd"/> has input. Loop thread only.</summary>
    public void Watch(int fd, Action onReadable) => _watched[fd] = onReadable;

    public void Unwatch(int fd) => _watched.Remove(fd);

    /// <summary>
    /// Runs <paramref name="step"/>, then sleeps for as long as it returned (milliseconds, -1 until woken), and again
    /// after every wake, until it returns null.
    /// </summary>
    public void Run(Func<int?> step)
    {
        while (step() is { } sleep)
            Sleep(sleep);
    }

    /// <summary>One poll(2): until an fd has input, the eventfd is bumped or <paramref name="milliseconds"/> pass; then the readable fds' callbacks run.</summary>
    public void Sleep(int milliseconds)
    {
        int[] fds = [_wakeFd, .. _watched.Keys];
        bool[] readable = Posix.WaitReadable(fds, milliseconds);
        Wakes++;
        if (readable[0])
            Posix.DrainEventFd(_wakeFd);
        for (int i = 1; i < fds.Length; i++)
        {
            if (readable[i] && _watched.TryGetValue(fds[i], out var onReadable))
                onReadable();
        }
    }

    public void Dispose() => Posix.Close(_wakeFd);
}
