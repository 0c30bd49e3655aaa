namespace StarterHost.Metrics;

/// <summary>
/// A histogram's state: how many observations fell in each bucket (not cumulative; one more count than bounds, the
/// last for those above every bound) and their sum.
/// </summary>
internal sealed record HistogramSnapshot(IReadOnlyList<double> UpperBounds, IReadOnlyList<long> Counts, double Sum)
{
    public long Count => Counts.Sum();

    public static HistogramSnapshot Empty(IReadOnlyList<double> upperBounds) => new(upperBounds, new long[upperBounds.Count + 1], 0);
}
