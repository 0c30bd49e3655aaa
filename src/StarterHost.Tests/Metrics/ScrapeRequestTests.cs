using System.Text;
using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

/// <summary>What the bytes received so far on a scrape connection amount to.</summary>
public sealed class ScrapeRequestTests
{
    // What Prometheus 2.42 sends, headers and all.
    private const string PrometheusScrape =
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9100\r\nUser-Agent: Prometheus/2.42.0\r\n"
        + "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
        + "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n";

    [Theory]
    [InlineData(PrometheusScrape, nameof(RequestProgress.Complete), "GET", "/metrics")]
    [InlineData("GET /metrics HTTP/1.0\r\n\r\n", nameof(RequestProgress.Complete), "GET", "/metrics")]
    [InlineData("HEAD /metrics HTTP/1.1\r\n\r\n", nameof(RequestProgress.Complete), "HEAD", "/metrics")]
    [InlineData("GET /metrics?name[]=x HTTP/1.1\r\n\r\n", nameof(RequestProgress.Complete), "GET", "/metrics")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", nameof(RequestProgress.Complete), "POST", "/")]
    [InlineData("GET /metrics HTTP/1.1\n\n", nameof(RequestProgress.Complete), "GET", "/metrics")] // bare LFs, as RFC 9112 allows
    [InlineData("GET /metrics HTTP/1.1\r\nHost: x\r\n", nameof(RequestProgress.Incomplete), null, null)]
    [InlineData("GET /metr", nameof(RequestProgress.Incomplete), null, null)]
    [InlineData("", nameof(RequestProgress.Incomplete), null, null)]
    [InlineData("GET /metrics HTTP/2.0\r\n", nameof(RequestProgress.Malformed), null, null)]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", nameof(RequestProgress.Malformed), null, null)] // HTTP/2 with prior knowledge
    [InlineData("GET metrics HTTP/1.1\r\n\r\n", nameof(RequestProgress.Malformed), null, null)]
    [InlineData("get /metrics HTTP/1.1\r\n\r\n", nameof(RequestProgress.Malformed), null, null)]
    [InlineData("GET /metrics\r\n", nameof(RequestProgress.Malformed), null, null)] // HTTP/0.9
    [InlineData("GET /a b HTTP/1.1\r\n", nameof(RequestProgress.Malformed), null, null)]
    [InlineData("\u0016\u0003\u0001\u0002\u0000\u0001\n", nameof(RequestProgress.Malformed), null, null)] // a TLS hello
    public void ParsesWhatHasArrived(string received, string progress, string? method, string? path)
    {
        // The progress by name: a theory's parameters must be public types.
        Assert.Equal(Enum.Parse<RequestProgress>(progress), ScrapeRequest.Parse(Encoding.UTF8.GetBytes(received), out var request));
        Assert.Equal(method is null ? null : new ScrapeRequest(method, path!), request);
    }

    [Fact]
    public void AHeadThatDoesNotEndWithinTheLimitIsTooLarge()
    {
        byte[] head = Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nCookie: " + new string('x', ScrapeRequest.MaxBytes));
        Assert.Equal(RequestProgress.Incomplete, ScrapeRequest.Parse(head.AsSpan(0, ScrapeRequest.MaxBytes - 1), out _));
        Assert.Equal(RequestProgress.TooLarge, ScrapeRequest.Parse(head.AsSpan(0, ScrapeRequest.MaxBytes), out _));
    }

    [Fact]
    public void ARequestLineAloneLongerThanTheLimitIsTooLarge()
    {
        byte[] line = Encoding.ASCII.GetBytes("GET /" + new string('a', ScrapeRequest.MaxBytes));
        Assert.Equal(RequestProgress.TooLarge, ScrapeRequest.Parse(line.AsSpan(0, ScrapeRequest.MaxBytes), out _));
    }
}
