namespace StarterHost.Tests.Support;

/// <summary>A fact that runs a real Prometheus: skipped, with the reason, only where Debian's prometheus package is missing.</summary>
internal sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (PrometheusServer.Unavailable is { } reason)
            Skip = reason;
    }
}
