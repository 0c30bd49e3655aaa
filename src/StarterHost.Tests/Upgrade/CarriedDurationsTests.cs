using Microsoft.Extensions.Time.Testing;
using StarterHost.Generations;
using StarterHost.Metrics;
using StarterHost.Supervision;
using StarterHost.Upgrade;

namespace StarterHost.Tests.Upgrade;

/// <summary>
/// The metrics' durations cross an upgrade in place in the handoff, through its JSON, and the next image's timeline
/// goes on from them: a drain under way is timed from its signal, the histograms count on.
/// </summary>
public sealed class CarriedDurationsTests
{
    /// <summary>Through the handoff's JSON, as the new image reads it.</summary>
    private static CarriedDurations Across(CarriedDurations durations)
    {
        var state = StateSnapshot.Of(GenerationState.Initial(Generations.MachineDriver.Defaults), []);
        var handoff = new UpgradeHandoff(state, 1, "2.0.0", new CarriedImage("/usr/bin/starterhost", 1, [], []), [], [], null, [], null, [],
            DateTime.UnixEpoch, Durations: durations);
        return UpgradeHandoff.FromJson(StateSnapshot.CurrentSchema, handoff.ToJson()).Durations!;
    }

    [Fact]
    public void ADrainUnderWayIsTimedFromItsSignalAndTheHistogramsCountOn()
    {
        var clock = new FakeTimeProvider();
        var old = new MetricsTimeline(clock, Histogram(), Histogram());
        old.Spawned(100);
        old.Spawned(200);
        old.Signalled(100);
        clock.Advance(TimeSpan.FromSeconds(3));
        old.Exited(100);
        old.Signalled(200);
        clock.Advance(TimeSpan.FromSeconds(2));

        var carried = Across(old.Carried());
        var adopted = new MetricsTimeline(clock, Histogram(), Histogram());
        adopted.Adopt(carried);
        clock.Advance(TimeSpan.FromSeconds(4));
        adopted.Exited(200);

        var drain = adopted.Drain.Snapshot();
        Assert.Equal(2, drain.Count);
        // 3 s before the exec, and 2 + 4 s across it.
        Assert.Equal(9, drain.Sum, 6);
    }

    [Fact]
    public void CountsFromOtherBucketsAreLeftOutRatherThanMisplaced()
    {
        var histogram = Histogram();
        Assert.False(histogram.Add(new HistogramSnapshot([1, 2], [5, 0, 0], 3)));
        Assert.Equal(0, histogram.Snapshot().Count);
        Assert.True(histogram.Add(new HistogramSnapshot(MetricFamilies.DrainBuckets, [.. MetricFamilies.DrainBuckets.Select(_ => 1L), 1], 3)));
        Assert.Equal(MetricFamilies.DrainBuckets.Count + 1, histogram.Snapshot().Count);
    }

    private static DurationHistogram Histogram() => new(MetricFamilies.DrainBuckets);
}
