using System.Diagnostics.Metrics;

namespace StarterHost.Metrics;

/// <summary>
/// Durations in seconds counted into fixed buckets, for starterhost_handover_seconds and starterhost_drain_seconds.
/// The effect layer observes one when it sees the end of what it timed; each observation also goes to the meter's
/// histogram of the same name (<paramref name="mirror"/>), which costs nothing without a listener. Observed on the
/// loop thread and read by scrapes there, but also by a meter listener's thread: hence the lock, never contended.
/// </summary>
internal sealed class DurationHistogram(IReadOnlyList<double> upperBounds, Histogram<double>? mirror = null)
{
    private readonly long[] _counts = new long[upperBounds.Count + 1];
    private double _sum;

    public IReadOnlyList<double> UpperBounds => upperBounds;

    public void Observe(TimeSpan duration)
    {
        double seconds = Math.Max(0, duration.TotalSeconds);
        int bucket = 0;
        while (bucket < upperBounds.Count && seconds > upperBounds[bucket])
            bucket++;
        lock (_counts)
        {
            _counts[bucket]++;
            _sum += seconds;
        }
        mirror?.Record(seconds);
    }

    /// <summary>
    /// Adds what an earlier image counted (an upgrade in place), so that the counts go on instead of restarting at 0.
    /// Counted into other buckets (a version that changed them), it is left out: a count is never put in the wrong bucket.
    /// </summary>
    public bool Add(HistogramSnapshot earlier)
    {
        if (!earlier.UpperBounds.SequenceEqual(upperBounds) || earlier.Counts.Count != _counts.Length)
            return false;
        lock (_counts)
        {
            for (int i = 0; i < _counts.Length; i++)
                _counts[i] += earlier.Counts[i];
            _sum += earlier.Sum;
        }
        return true;
    }

    public HistogramSnapshot Snapshot()
    {
        lock (_counts)
            return new HistogramSnapshot(upperBounds, [.. _counts], _sum);
    }
}
