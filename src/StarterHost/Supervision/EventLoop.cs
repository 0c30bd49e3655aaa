using StarterHost.Interop;

namespace StarterHost.Supervision;

/// <summary>
/// The supervisor's thread. It sleeps in poll(2) on an eventfd that <see cref="Wake"/> bumps (signals) and on
/// the notify sockets and exec reports of starting workers, until the next of its <see cref="Timers"/> is due,
/// and wakes for nothing else: no polling interval, no periodic wake-up. It runs on the main thread, which also spawns
/// the workers: a parent-death signal fires when the spawning thread exits, and this one lives as long as the process.
/// </summary>
internal sealed class EventLoop : IDisposable
{
    private readonly int _wakeFd = Posix.CreateEventFd();
    private readonly Dictionary<int, Action> _watched = [];

    public LoopTimeProvider Timers { get; } = new();

    public void Wake() => Posix.SignalEventFd(_wakeFd);

    /// <summary>Calls <paramref name="onReadable"/> on the loop thread whenever <paramref name="fd"/> has input. Loop thread only.</summary>
    public void Watch(int fd, Action onReadable) => _watched[fd] = onReadable;

    public void Unwatch(int fd) => _watched.Remove(fd);

    /// <summary>Runs <paramref name="step"/> after every wake until it returns true.</summary>
    public void Run(Func<bool> step)
    {
        while (!step())
        {
            int[] fds = [_wakeFd, .. _watched.Keys];
            bool[] readable = Posix.WaitReadable(fds, Timers.MillisecondsUntilNextDue());
            Timers.FireDue();
            if (readable[0])
                Posix.DrainEventFd(_wakeFd);
            for (int i = 1; i < fds.Length; i++)
            {
                if (readable[i] && _watched.TryGetValue(fds[i], out var onReadable))
                    onReadable();
            }
        }
    }

    public void Dispose() => Posix.Close(_wakeFd);
}
