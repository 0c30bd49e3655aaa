using StarterHost.Tests.Support;

namespace StarterHost.Tests.Metrics;

/// <summary>
/// A real Prometheus scrapes the endpoint every second, and what it stored is read back through its HTTP API: the
/// format, the content type and the answer are what Prometheus itself accepts, not only what promtool lints.
/// </summary>
[Collection(PrometheusCollection.Name)]
public sealed class PrometheusScrapeTests(ScrapedEndpoint scraped)
{
    [PrometheusFact]
    public void PrometheusReadsTheGenerationAndSeesItChange()
    {
        scraped.Snapshot = Snapshots.Typical() with { Generation = 7 };
        var prometheus = scraped.Prometheus;

        prometheus.WaitFor("starterhost_generation", 7);
        Assert.Equal(1, Assert.Single(prometheus.Query("up{job=\"starterhost\"}")).Value);
        Assert.Equal(4, Assert.Single(prometheus.Query("starterhost_workers{state=\"serving\"}")).Value);
        var queue = Assert.Single(prometheus.Query("starterhost_listen_queue_length{listener=\"127.0.0.1:8080\"}"));
        Assert.Equal(3, queue.Value);
        Assert.Equal("127.0.0.1:8080", queue.Labels["listener"]);
        Assert.Equal(4, Assert.Single(prometheus.Query("starterhost_handover_seconds_count")).Value);

        scraped.Snapshot = scraped.Snapshot with { Generation = 8, Restarts = 5 };
        prometheus.WaitFor("starterhost_generation", 8);
        prometheus.WaitFor("starterhost_restarts_total", 5);
        // A histogram Prometheus can take quantiles of: 3 of the 4 handovers took at most 2 s.
        Assert.Equal(2, Assert.Single(prometheus.Query("histogram_quantile(0.75, starterhost_handover_seconds_bucket)")).Value);
        Assert.Empty(scraped.Endpoint.Faults);
    }
}
