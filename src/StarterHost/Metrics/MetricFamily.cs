namespace StarterHost.Metrics;

internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>
/// One metric as both outputs name it: its Prometheus family (name, type, help) and, for those the
/// <c>StarterHost</c> meter reports too, the instrument's name and unit in OpenTelemetry's conventions (an exporter
/// to Prometheus turns <c>starterhost.restarts</c> with unit <c>{restart}</c> back into starterhost_restarts_total).
/// </summary>
internal sealed record MetricFamily(string Name, MetricType Type, string Help, string? InstrumentName = null, string? Unit = null);
