using System.Text.Json;
using System.Text.RegularExpressions;
using StarterHost.Tests.Metrics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Deploy;

/// <summary>
/// deploy/grafana/starterhost-dashboard.json: a dashboard Grafana can import, whose queries name only what StarterHost
/// emits, and which Prometheus runs against a real scrape.
/// </summary>
[Collection(PrometheusCollection.Name)]
public sealed partial class GrafanaDashboardTests(ScrapedEndpoint scraped)
{
    private static readonly string DashboardPath = Path.Combine(Repository.Root, "deploy", "grafana", "starterhost-dashboard.json");

    /// <summary>Each panel's title and its queries, with their legends, and the annotation queries.</summary>
    private static List<(string Panel, string Expression, string Legend)> Queries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;
        var queries = root.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray()
                .Select(target => (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!, target.GetProperty("legendFormat").GetString()!)))
            .ToList();
        queries.AddRange(root.GetProperty("annotations").GetProperty("list").EnumerateArray()
            .Where(a => a.TryGetProperty("expr", out _))
            .Select(a => (a.GetProperty("name").GetString()!, a.GetProperty("expr").GetString()!, "")));
        return queries;
    }

    // A series selector: a metric name followed by its label matchers.
    [GeneratedRegex(@"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex Selector();

    [GeneratedRegex(@"\{\{\s*(\w+)\s*\}\}")]
    private static partial Regex LegendLabel();

    [Fact]
    public void ItIsAGrafanaDashboardWithTheIssuesPanels()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;
        Assert.Equal("starterhost", root.GetProperty("uid").GetString());
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.All(panels, panel =>
        {
            var grid = panel.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
        });
        // What issue 21 asks to see: generations over time, workers by state, handover and drain times, the accept
        // queue against its backlog, failed starts.
        var named = Queries().SelectMany(q => Selector().Matches(q.Expression).Select(m => m.Groups[1].Value)).ToHashSet();
        string[] asked =
        [
            "starterhost_generation", "starterhost_workers", "starterhost_handover_seconds_bucket", "starterhost_drain_seconds_bucket",
            "starterhost_listen_queue_length", "starterhost_listen_backlog", "starterhost_failed_starts_total",
        ];
        Assert.Empty(asked.Except(named));
    }

    [Fact]
    public void ItNamesOnlyMetricsAndLabelsStarterHostEmits()
    {
        var emitted = Snapshots.EmittedSeries();
        foreach (var (panel, expression, legend) in Queries())
        {
            var metrics = Selector().Matches(expression).Select(m => m.Groups[1].Value).ToList();
            Assert.True(metrics.Count > 0, $"{panel}: no series in {expression}");
            foreach (string metric in metrics)
                Assert.True(emitted.ContainsKey(metric), $"{panel}: {metric} is not emitted");
            // Prometheus adds job and instance to every series it scrapes.
            var labels = metrics.SelectMany(m => emitted[m]).Append("job").Append("instance").ToHashSet();
            foreach (Match label in LegendLabel().Matches(legend))
                Assert.True(labels.Contains(label.Groups[1].Value), $"{panel}: the legend {legend} names a label {string.Join(", ", metrics)} lack");
        }
    }

    [PrometheusFact]
    public void PrometheusRunsEveryQueryAgainstARealScrape()
    {
        var prometheus = scraped.Prometheus;
        // Two scrapes at least, so that rates have two samples to go by.
        Eventually.True(() => prometheus.Query("count_over_time(up{job=\"starterhost\"}[1m])") is [var (_, n)] && n >= 2, "two scrapes");
        foreach (var (panel, expression, _) in Queries())
        {
            // Grafana's variables as a dashboard opened on every job and instance would fill them in.
            string query = expression.Replace("$job", ".*").Replace("$instance", ".*")
                .Replace("$__rate_interval", "1m").Replace("$__interval", "15s");
            var series = prometheus.Query(query);
            // A rate of a counter that has not moved, or a changes() that found none, is a valid query with no answer.
            if (!query.Contains("changes(", StringComparison.Ordinal))
                Assert.True(series.Count > 0, $"{panel}: {query} finds nothing");
        }
    }
}
