using System.Text;
using StarterHost.Metrics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Metrics;

/// <summary>The Prometheus text format 0.0.4 as StarterHost writes it, read back line by line and by promtool.</summary>
public sealed class ExpositionWriterTests
{
    private static string Text(MetricsSnapshot snapshot, ProcessFacts? process = null) =>
        Encoding.UTF8.GetString(ExpositionWriter.Write(snapshot, process));

    [Fact]
    public void AnEmptySnapshotReadsInFull()
    {
        Assert.Equal("""
            # HELP starterhost_build_info A constant 1, labelled with the version of StarterHost that runs.
            # TYPE starterhost_build_info gauge
            starterhost_build_info{version="1.0.0"} 1
            # HELP starterhost_generation The newest generation that has started and still serves (SERVER_STARTER_GENERATION); 0 before the first.
            # TYPE starterhost_generation gauge
            starterhost_generation 0
            # HELP starterhost_workers Live worker processes by state: starting, serving, draining, or leftover (process groups whose leader exited).
            # TYPE starterhost_workers gauge
            starterhost_workers{state="starting"} 0
            starterhost_workers{state="serving"} 0
            starterhost_workers{state="draining"} 0
            starterhost_workers{state="leftover"} 0
            # HELP starterhost_workers_configured Workers per generation (--workers).
            # TYPE starterhost_workers_configured gauge
            starterhost_workers_configured 1
            # HELP starterhost_restarts_total Restarts begun, by HUP or auto-restart.
            # TYPE starterhost_restarts_total counter
            starterhost_restarts_total 0
            # HELP starterhost_failed_starts_total Workers that failed to start: spawn failures, exits before --interval, start timeouts.
            # TYPE starterhost_failed_starts_total counter
            starterhost_failed_starts_total 0
            # HELP starterhost_worker_exits_total Worker exits by reason: exited, crashed, killed_at_deadline, recycled, watchdog.
            # TYPE starterhost_worker_exits_total counter
            starterhost_worker_exits_total{reason="exited"} 0
            starterhost_worker_exits_total{reason="crashed"} 0
            starterhost_worker_exits_total{reason="killed_at_deadline"} 0
            starterhost_worker_exits_total{reason="recycled"} 0
            starterhost_worker_exits_total{reason="watchdog"} 0
            # HELP starterhost_handover_seconds Time from a restart's start (a HUP, after its check if any, or an auto-restart) until a newer generation alone serves.
            # TYPE starterhost_handover_seconds histogram
            starterhost_handover_seconds_bucket{le="0.25"} 0
            starterhost_handover_seconds_bucket{le="0.5"} 0
            starterhost_handover_seconds_bucket{le="1"} 0
            starterhost_handover_seconds_bucket{le="2"} 0
            starterhost_handover_seconds_bucket{le="5"} 0
            starterhost_handover_seconds_bucket{le="10"} 0
            starterhost_handover_seconds_bucket{le="30"} 0
            starterhost_handover_seconds_bucket{le="60"} 0
            starterhost_handover_seconds_bucket{le="120"} 0
            starterhost_handover_seconds_bucket{le="300"} 0
            starterhost_handover_seconds_bucket{le="+Inf"} 0
            starterhost_handover_seconds_sum 0
            starterhost_handover_seconds_count 0
            # HELP starterhost_drain_seconds Time from signalling an old worker until it exits.
            # TYPE starterhost_drain_seconds histogram
            starterhost_drain_seconds_bucket{le="0.1"} 0
            starterhost_drain_seconds_bucket{le="0.25"} 0
            starterhost_drain_seconds_bucket{le="0.5"} 0
            starterhost_drain_seconds_bucket{le="1"} 0
            starterhost_drain_seconds_bucket{le="2.5"} 0
            starterhost_drain_seconds_bucket{le="5"} 0
            starterhost_drain_seconds_bucket{le="10"} 0
            starterhost_drain_seconds_bucket{le="30"} 0
            starterhost_drain_seconds_bucket{le="60"} 0
            starterhost_drain_seconds_bucket{le="120"} 0
            starterhost_drain_seconds_bucket{le="300"} 0
            starterhost_drain_seconds_bucket{le="+Inf"} 0
            starterhost_drain_seconds_sum 0
            starterhost_drain_seconds_count 0
            # HELP starterhost_upgrades_total Upgrades of StarterHost in place.
            # TYPE starterhost_upgrades_total counter
            starterhost_upgrades_total 0

            """.ReplaceLineEndings("\n"), Text(Snapshots.Empty()));
    }

    [Fact]
    public void HistogramBucketsAreCumulativeUpToInfinityWithSumAndCount()
    {
        var drain = new DurationHistogram([0.5, 1, 5]);
        foreach (double seconds in new[] { 0.2, 0.5, 0.75, 4, 9.5 })
            drain.Observe(TimeSpan.FromSeconds(seconds));
        string text = Text(Snapshots.Empty() with { Drain = drain.Snapshot() });
        Assert.Contains("""
            starterhost_drain_seconds_bucket{le="0.5"} 2
            starterhost_drain_seconds_bucket{le="1"} 3
            starterhost_drain_seconds_bucket{le="5"} 4
            starterhost_drain_seconds_bucket{le="+Inf"} 5
            starterhost_drain_seconds_sum 14.95
            starterhost_drain_seconds_count 5

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void ListenersAndSlotsAreLabelledByNameAndNumberNeverByPid()
    {
        string text = Text(Snapshots.Typical());
        Assert.Contains("""
            starterhost_listen_queue_length{listener="127.0.0.1:8080"} 3
            starterhost_listen_queue_length{listener="/run/app/app.sock"} 0
            # HELP starterhost_listen_backlog How many connections the listener's accept queue may hold (listen's backlog, capped by net.core.somaxconn).
            # TYPE starterhost_listen_backlog gauge
            starterhost_listen_backlog{listener="127.0.0.1:8080"} 4096
            starterhost_listen_backlog{listener="/run/app/app.sock"} 4096
            # HELP starterhost_worker_resident_bytes Resident memory of each slot's serving worker (VmRSS).
            # TYPE starterhost_worker_resident_bytes gauge
            starterhost_worker_resident_bytes{slot="0"} 61214720
            starterhost_worker_resident_bytes{slot="1"} 59768832
            """.ReplaceLineEndings("\n"), text);
        Assert.DoesNotContain("pid", text);
    }

    [Fact]
    public void AFamilyWithoutSamplesIsLeftOutWhole()
    {
        string text = Text(Snapshots.Empty());
        Assert.DoesNotContain("starterhost_listen_queue_length", text);
        Assert.DoesNotContain("starterhost_worker_resident_bytes", text);
        Assert.DoesNotContain("process_", text);
    }

    [Fact]
    public void TheProcessMetricsAreInBaseUnits()
    {
        string text = Text(Snapshots.Empty(), Snapshots.Process);
        Assert.Contains("\nprocess_cpu_seconds_total 12.34\n", text);
        Assert.Contains("\nprocess_resident_memory_bytes 11534336\n", text);
        Assert.Contains("\nprocess_open_fds 23\n", text);
        Assert.Contains("\nprocess_max_fds 1048576\n", text);
        Assert.Contains("\nprocess_start_time_seconds 1767225600.25\n", text);
        Assert.Contains("# TYPE process_cpu_seconds_total counter\n", text);
        Assert.DoesNotContain("process_max_fds", Text(Snapshots.Empty(), Snapshots.Process with { MaxFds = null }));
    }

    [Theory]
    [InlineData(@"C:\sock", @"C:\\sock")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("two\nlines", @"two\nlines")]
    [InlineData("/run/é/ü.sock", "/run/é/ü.sock")]
    public void LabelValuesEscapeBackslashQuoteAndNewline(string listener, string written)
    {
        string text = Text(Snapshots.Empty() with { Listeners = [new ListenerQueue(listener, 1, 2)] });
        Assert.Contains($"starterhost_listen_queue_length{{listener=\"{written}\"}} 1\n", text);
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(123456789.5, "123456789.5")]
    [InlineData(1e20, "1E+20")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NaN, "NaN")]
    public void NumbersAreWrittenAsGoReadsThem(double sum, string written)
    {
        var drain = new HistogramSnapshot([1], [0, 0], sum);
        Assert.Contains($"\nstarterhost_drain_seconds_sum {written}\n", Text(Snapshots.Empty() with { Drain = drain }));
    }

    [Fact]
    public void EveryFamilyOfTheCatalogueIsWrittenWithItsHelpAndType()
    {
        string text = Text(Snapshots.Typical(), Snapshots.Process);
        foreach (var family in MetricFamilies.All)
        {
            Assert.Contains($"# HELP {family.Name} {family.Help}\n# TYPE {family.Name} {family.Type.ToString().ToLowerInvariant()}\n", text);
        }
        Assert.All(MetricFamilies.All.Where(f => f.Type == MetricType.Counter), f => Assert.EndsWith("_total", f.Name));
    }

    [PromtoolFact]
    public void PromtoolFindsNothingWrongInATypicalScrape() =>
        Promtool.AssertCleanMetrics(ExpositionWriter.Write(Snapshots.Typical(), Snapshots.Process));

    [PromtoolFact]
    public void PromtoolFindsNothingWrongWithLabelsThatNeedEscapes() =>
        Promtool.AssertCleanMetrics(ExpositionWriter.Write(
            Snapshots.Empty() with { Listeners = [new ListenerQueue("a\\b\"c\nd", 1, 2)] }, Snapshots.Process with { MaxFds = null }));

    [PromtoolFact]
    public void PromtoolIsAbleToFail()
    {
        // The check above would pass on anything if promtool said nothing of what is wrong.
        var (code, output) = Promtool.Run(["check", "metrics"], "# TYPE latency_milliseconds gauge\nlatency_milliseconds 3\n"u8.ToArray());
        Assert.NotEqual(0, code);
        Assert.Contains("milliseconds", output);
    }
}
