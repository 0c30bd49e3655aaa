using System.Text;
using System.Text.RegularExpressions;
using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

/// <summary>Snapshots for the tests: an empty one, and a typical one of a pool of 4 workers that has restarted a few times.</summary>
internal static class Snapshots
{
    public static MetricsSnapshot Empty(int generation = 0) => new(
        "1.0.0", generation, new WorkerCounts(0, 0, 0, 0), 1, 0, 0, new WorkerExitCounts(0, 0, 0, 0, 0),
        HistogramSnapshot.Empty(MetricFamilies.HandoverBuckets), HistogramSnapshot.Empty(MetricFamilies.DrainBuckets), [], [], 0);

    public static MetricsSnapshot Typical()
    {
        var handover = new DurationHistogram(MetricFamilies.HandoverBuckets);
        foreach (double seconds in new[] { 1.02, 1.05, 1.3, 7.5 })
            handover.Observe(TimeSpan.FromSeconds(seconds));
        var drain = new DurationHistogram(MetricFamilies.DrainBuckets);
        foreach (double seconds in new[] { 0.04, 0.3, 0.31, 2.2, 2.4, 3, 12, 60 })
            drain.Observe(TimeSpan.FromSeconds(seconds));
        return new MetricsSnapshot(
            "1.4.0", 5, new WorkerCounts(Starting: 1, Serving: 4, Draining: 2, Leftover: 0), 4, 4, 1,
            new WorkerExitCounts(Exited: 14, Crashed: 1, KilledAtDeadline: 1, Recycled: 2, Watchdog: 0),
            handover.Snapshot(), drain.Snapshot(),
            [new ListenerQueue("127.0.0.1:8080", 3, 4096), new ListenerQueue("/run/app/app.sock", 0, 4096)],
            [new SlotMemory(0, 61_214_720), new SlotMemory(1, 59_768_832), new SlotMemory(2, 60_162_048), new SlotMemory(3, 63_700_992)],
            0);
    }

    public static ProcessFacts Process => new(CpuSeconds: 12.34, ResidentBytes: 11_534_336, OpenFds: 23, MaxFds: 1_048_576, StartTimeSeconds: 1_767_225_600.25);

    /// <summary>
    /// Every series name a scrape of the typical snapshot holds (histograms as their _bucket, _sum and _count), each with
    /// its label names: what a dashboard or a rule may name.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> EmittedSeries()
    {
        string text = Encoding.UTF8.GetString(ExpositionWriter.Write(Typical(), Process));
        var series = new Dictionary<string, IReadOnlySet<string>>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            var sample = Regex.Match(line, @"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ");
            var labels = Regex.Matches(sample.Groups[2].Value, @"([a-zA-Z_][a-zA-Z0-9_]*)=""").Select(m => m.Groups[1].Value);
            series[sample.Groups[1].Value] = (series.GetValueOrDefault(sample.Groups[1].Value) ?? new HashSet<string>()).Union(labels).ToHashSet();
        }
        return series;
    }
}
