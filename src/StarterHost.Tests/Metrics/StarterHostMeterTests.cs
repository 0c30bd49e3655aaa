using System.Diagnostics.Metrics;
using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

/// <summary>The StarterHost meter, read as an in-process listener (an OpenTelemetry exporter, dotnet-counters) reads it.</summary>
public sealed class StarterHostMeterTests
{
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                // This meter alone: other tests make meters of the same name.
                if (instrument.Meter == meter)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public List<(string Instrument, double Value, string Tags)> Measurements { get; } = [];

        public void Collect() => _listener.RecordObservableInstruments();

        public double Single(string instrument, string tags = "") =>
            Assert.Single(Measurements, m => m.Instrument == instrument && m.Tags == tags).Value;

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            Measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public void ItsInstrumentsReadTheSnapshot()
    {
        using var meter = new StarterHostMeter(Snapshots.Typical, "1.4.0");
        using var recorder = new Recorder(meter.Meter);
        recorder.Collect();
        Assert.Equal(5, recorder.Single("starterhost.generation"));
        Assert.Equal(1, recorder.Single("starterhost.workers", "state=starting"));
        Assert.Equal(4, recorder.Single("starterhost.workers", "state=serving"));
        Assert.Equal(2, recorder.Single("starterhost.workers", "state=draining"));
        Assert.Equal(0, recorder.Single("starterhost.workers", "state=leftover"));
        Assert.Equal(4, recorder.Single("starterhost.workers.configured"));
        Assert.Equal(4, recorder.Single("starterhost.restarts"));
        Assert.Equal(1, recorder.Single("starterhost.failed_starts"));
        Assert.Equal(14, recorder.Single("starterhost.worker.exits", "reason=exited"));
        Assert.Equal(1, recorder.Single("starterhost.worker.exits", "reason=killed_at_deadline"));
        Assert.Equal(3, recorder.Single("starterhost.listen.queue.length", "listener=127.0.0.1:8080"));
        Assert.Equal(4096, recorder.Single("starterhost.listen.backlog", "listener=/run/app/app.sock"));
        Assert.Equal(63_700_992, recorder.Single("starterhost.worker.resident_memory", "slot=3"));
        Assert.Equal(0, recorder.Single("starterhost.upgrades"));
        Assert.Equal("1.4.0", meter.Meter.Version);
        Assert.Equal("StarterHost", meter.Meter.Name);
    }

    [Fact]
    public void DurationsReachItsHistogramsAsTheyAreObserved()
    {
        using var meter = new StarterHostMeter(Snapshots.Typical, "1.4.0");
        using var recorder = new Recorder(meter.Meter);
        var handover = new DurationHistogram(MetricFamilies.HandoverBuckets, meter.Handover);
        handover.Observe(TimeSpan.FromSeconds(1.5));
        new DurationHistogram(MetricFamilies.DrainBuckets, meter.Drain).Observe(TimeSpan.FromSeconds(0.25));
        Assert.Equal(1.5, recorder.Single("starterhost.handover.duration"));
        Assert.Equal(0.25, recorder.Single("starterhost.drain.duration"));
        Assert.Equal("s", meter.Handover.Unit);
        Assert.Equal(MetricFamilies.HandoverBuckets, meter.Handover.Advice!.HistogramBucketBoundaries);
    }

    [Fact]
    public void WithoutAListenerNothingIsComputed()
    {
        int snapshots = 0;
        using var meter = new StarterHostMeter(() =>
        {
            snapshots++;
            return Snapshots.Typical();
        }, "1.4.0");
        new DurationHistogram(MetricFamilies.HandoverBuckets, meter.Handover).Observe(TimeSpan.FromSeconds(1));
        Assert.False(meter.Handover.Enabled);
        Assert.Equal(0, snapshots);
        using (var recorder = new Recorder(meter.Meter))
            recorder.Collect();
        Assert.NotEqual(0, snapshots);
    }

    [Fact]
    public void EachInstrumentIsNamedAsItsFamilyInTheCatalogue()
    {
        using var meter = new StarterHostMeter(Snapshots.Typical, "1.4.0");
        var published = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter == meter.Meter)
                    published.Add(instrument);
            },
        };
        listener.Start();
        var families = MetricFamilies.All.Where(f => f.InstrumentName is not null).ToList();
        Assert.Equal(families.Select(f => (f.InstrumentName, f.Unit, f.Help)).Order(),
            published.Select(i => ((string?)i.Name, i.Unit, (string)i.Description!)).Order());
    }
}
