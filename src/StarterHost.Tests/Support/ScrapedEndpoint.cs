using StarterHost.Metrics;
using StarterHost.Tests.Metrics;

namespace StarterHost.Tests.Support;

/// <summary>
/// A metrics endpoint serving a snapshot the tests set, scraped every second by a real Prometheus: one for all the tests
/// of the "prometheus" collection, started at first use, so that where Prometheus is missing (and the tests are
/// skipped) nothing is started.
/// </summary>
public sealed class ScrapedEndpoint : IDisposable
{
    private readonly Lazy<(EndpointUnderTest Endpoint, PrometheusServer Prometheus)> _started;
    private MetricsSnapshot _snapshot = Snapshots.Typical();

    public ScrapedEndpoint()
    {
        _started = new(() =>
        {
            var endpoint = new EndpointUnderTest(() => ExpositionWriter.Write(Snapshot, ProcessFacts.ReadSelf()));
            try
            {
                return (endpoint, new PrometheusServer(endpoint.EndPoint.ToString()!));
            }
            catch
            {
                endpoint.Dispose();
                throw;
            }
        });
    }

    /// <summary>What the next scrape shows.</summary>
    internal MetricsSnapshot Snapshot
    {
        get => Volatile.Read(ref _snapshot);
        set => Volatile.Write(ref _snapshot, value);
    }

    internal EndpointUnderTest Endpoint => _started.Value.Endpoint;

    internal PrometheusServer Prometheus => _started.Value.Prometheus;

    public void Dispose()
    {
        if (!_started.IsValueCreated)
            return;
        _started.Value.Prometheus.Dispose();
        _started.Value.Endpoint.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PrometheusCollection : ICollectionFixture<ScrapedEndpoint>
{
    public const string Name = "prometheus";
}
