using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

/// <summary>An <see cref="IMetricsLoop"/> that counts what the endpoint asks of the one it wraps.</summary>
internal sealed class CountingMetricsLoop(IMetricsLoop inner) : IMetricsLoop
{
    public int WritableWatches { get; private set; }

    public int TimersStarted { get; private set; }

    public void WatchReadable(int fd, Action onReadable) => inner.WatchReadable(fd, onReadable);

    public void WatchWritable(int fd, Action onWritable)
    {
        WritableWatches++;
        inner.WatchWritable(fd, onWritable);
    }

    public void Unwatch(int fd) => inner.Unwatch(fd);

    public IDisposable StartTimer(TimeSpan delay, Action onDue)
    {
        TimersStarted++;
        return inner.StartTimer(delay, onDue);
    }
}
