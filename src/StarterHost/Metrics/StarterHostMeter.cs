using System.Diagnostics.Metrics;

namespace StarterHost.Metrics;

/// <summary>
/// The <c>StarterHost</c> <see cref="Meter"/>: the numbers a scrape shows, for in-process listeners (an OpenTelemetry
/// exporter, <c>dotnet-counters</c>). Every instrument but the two histograms is observable over
/// the snapshot given, which is called only when a listener collects; the histograms are recorded as
/// durations are observed (<see cref="DurationHistogram"/>), which without a listener is a check and a return. So
/// with no listener attached nothing is computed. The process_* metrics are not repeated here: the runtime's own
/// <c>System.Runtime</c> meter reports the process's CPU time and memory.
/// </summary>
internal sealed class StarterHostMeter : IDisposable
{
    public const string Name = "StarterHost";

    /// <param name="snapshot">
    /// Called on the listener's thread, not the loop's: it must read nothing the loop is changing (an immutable state
    /// published by reference, and the listeners' sockets, which live as long as the process).
    /// </param>
    /// <param name="version">StarterHost's version, the meter's.</param>
    public StarterHostMeter(Func<MetricsSnapshot> snapshot, string version)
    {
        Meter = new Meter(Name, version);
        Observe(Meter, snapshot);
        Handover = Histogram(Meter, MetricFamilies.Handover, MetricFamilies.HandoverBuckets);
        Drain = Histogram(Meter, MetricFamilies.Drain, MetricFamilies.DrainBuckets);
    }

    public Meter Meter { get; }

    /// <summary>Handover durations, in seconds; recorded through <see cref="DurationHistogram"/>.</summary>
    public Histogram<double> Handover { get; }

    /// <summary>Drain durations, in seconds; recorded through <see cref="DurationHistogram"/>.</summary>
    public Histogram<double> Drain { get; }

    private static void Observe(Meter meter, Func<MetricsSnapshot> snapshot)
    {
        Gauge(meter, MetricFamilies.Generation, () => [new(snapshot().Generation)]);
        UpDown(meter, MetricFamilies.Workers, () => Tagged("state", WorkerCounts.States, snapshot().Workers.Values));
        UpDown(meter, MetricFamilies.WorkersConfigured, () => [new(snapshot().WorkersConfigured)]);
        Counter(meter, MetricFamilies.Restarts, () => [new(snapshot().Restarts)]);
        Counter(meter, MetricFamilies.FailedStarts, () => [new(snapshot().FailedStarts)]);
        Counter(meter, MetricFamilies.WorkerExits, () => Tagged("reason", WorkerExitCounts.Reasons, snapshot().Exits.Values));
        UpDown(meter, MetricFamilies.ListenQueueLength, () => snapshot().Listeners.Select(q => Measure(q.Length, "listener", q.Listener)));
        UpDown(meter, MetricFamilies.ListenBacklog, () => snapshot().Listeners.Select(q => Measure(q.Backlog, "listener", q.Listener)));
        UpDown(meter, MetricFamilies.WorkerResidentBytes, () => snapshot().ResidentMemory.Select(m => Measure(m.Bytes, "slot", m.Slot)));
        Counter(meter, MetricFamilies.Upgrades, () => [new(snapshot().Upgrades)]);
    }

    private static void Gauge(Meter meter, MetricFamily family, Func<IEnumerable<Measurement<long>>> observe) =>
        meter.CreateObservableGauge(family.InstrumentName!, observe, family.Unit, family.Help);

    /// <summary>A count that can go down (workers, bytes, queued connections): an up-down counter, as OpenTelemetry names them.</summary>
    private static void UpDown(Meter meter, MetricFamily family, Func<IEnumerable<Measurement<long>>> observe) =>
        meter.CreateObservableUpDownCounter(family.InstrumentName!, observe, family.Unit, family.Help);

    private static void Counter(Meter meter, MetricFamily family, Func<IEnumerable<Measurement<long>>> observe) =>
        meter.CreateObservableCounter(family.InstrumentName!, observe, family.Unit, family.Help);

    private static Histogram<double> Histogram(Meter meter, MetricFamily family, IReadOnlyList<double> buckets) =>
        meter.CreateHistogram(family.InstrumentName!, family.Unit, family.Help, tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    private static Measurement<long>[] Tagged(string tag, IReadOnlyList<string> names, long[] values)
    {
        var measurements = new Measurement<long>[names.Count];
        for (int i = 0; i < names.Count; i++)
            measurements[i] = Measure(values[i], tag, names[i]);
        return measurements;
    }

    private static Measurement<long> Measure(long value, string tag, object tagValue) => new(value, new KeyValuePair<string, object?>(tag, tagValue));

    public void Dispose() => Meter.Dispose();
}
