using System.Diagnostics.Metrics;
using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

public sealed class DurationHistogramTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 0)] // a bucket's bound is "less than or equal"
    [InlineData(0.50001, 1)]
    [InlineData(1, 1)]
    [InlineData(4.9, 2)]
    [InlineData(5.1, 3)] // above every bound: +Inf alone
    [InlineData(-1, 0)] // a clock that went back counts as nothing, not as a negative sum
    public void AnObservationFallsInTheFirstBucketWhoseBoundItDoesNotExceed(double seconds, int bucket)
    {
        var histogram = new DurationHistogram([0.5, 1, 5]);
        histogram.Observe(TimeSpan.FromSeconds(seconds));
        var snapshot = histogram.Snapshot();
        long[] expected = new long[4];
        expected[bucket] = 1;
        Assert.Equal(expected, snapshot.Counts);
        Assert.Equal(Math.Max(0, seconds), snapshot.Sum, 6);
        Assert.Equal(1, snapshot.Count);
    }

    [Fact]
    public void ASnapshotDoesNotChangeWithLaterObservations()
    {
        var histogram = new DurationHistogram([1]);
        histogram.Observe(TimeSpan.FromSeconds(0.5));
        var before = histogram.Snapshot();
        histogram.Observe(TimeSpan.FromSeconds(2));
        Assert.Equal([1, 0], before.Counts);
        Assert.Equal([1, 1], histogram.Snapshot().Counts);
    }

    [Fact]
    public void EachObservationIsRecordedInTheMirrorToo()
    {
        using var meter = new Meter("test." + Guid.NewGuid());
        var mirror = meter.CreateHistogram<double>("d");
        var recorded = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => recorded.Add(value));
        listener.Start();
        var histogram = new DurationHistogram([1], mirror);
        histogram.Observe(TimeSpan.FromMilliseconds(250));
        histogram.Observe(TimeSpan.FromSeconds(3));
        Assert.Equal([0.25, 3], recorded);
    }
}
