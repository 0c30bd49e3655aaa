namespace StarterHost.Metrics;

/// <summary>
/// What the metrics endpoint needs of an event loop: callbacks when a descriptor can be read or written, and a
/// deadline, all on the loop's one thread. Each descriptor waits for one thing at a time: watching it again replaces
/// what it waited for. <see cref="EpollMetricsLoop"/> provides it over any loop that can watch one fd for input.
/// </summary>
internal interface IMetricsLoop
{
    void WatchReadable(int fd, Action onReadable);

    void WatchWritable(int fd, Action onWritable);

    /// <summary>Stops watching <paramref name="fd"/>; before it is closed.</summary>
    void Unwatch(int fd);

    /// <summary>Calls <paramref name="onDue"/> once after <paramref name="delay"/>, unless the timer is disposed first.</summary>
    IDisposable StartTimer(TimeSpan delay, Action onDue);
}
