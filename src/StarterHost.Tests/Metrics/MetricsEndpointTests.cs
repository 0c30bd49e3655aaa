using System.Net.Sockets;
using System.Text;
using StarterHost.Interop;
using StarterHost.Metrics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Metrics;

/// <summary>
/// The endpoint on a real socket and event loop: what a scrape gets, and what a slow, greedy or hostile client cannot
/// get (a stalled loop, a connection held for ever, more connections than the cap).
/// </summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private static readonly byte[] Body = ExpositionWriter.Write(Snapshots.Typical(), Snapshots.Process);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void GetMetricsIsAnsweredWithTheExpositionAndTheConnectionClosed()
    {
        using var endpoint = new EndpointUnderTest(() => Body);
        string answer = endpoint.Get("/metrics");
        string head = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n";
        Assert.Equal(head + Encoding.UTF8.GetString(Body), answer);
    }

    [Fact]
    public async Task AnHttpClientReadsItAsPrometheusWould()
    {
        using var endpoint = new EndpointUnderTest(() => Body);
        using var http = new HttpClient();
        using var answer = await http.GetAsync($"http://{endpoint.EndPoint}/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", answer.Content.Headers.ContentType!.ToString());
        Assert.Equal(Body, await answer.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void OtherPathsAndMethodsAreRefused()
    {
        using var endpoint = new EndpointUnderTest(() => Body);
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", endpoint.Get("/"));
        Assert.StartsWith("HTTP/1.1 405 Method Not Allowed\r\n", endpoint.Get("/metrics", "POST"));
        Assert.EndsWith("\r\n\r\n", endpoint.Get("/metrics", "HEAD"));
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", Encoding.ASCII.GetString(endpoint.Exchange("HELLO\r\n")));
    }

    [Fact]
    public void ItServesOnAUnixSocketToo()
    {
        string path = _dir.File("metrics.sock");
        using var endpoint = new EndpointUnderTest(() => Body, MetricsAddress.Parse("unix:" + path));
        Assert.EndsWith(Encoding.UTF8.GetString(Body), endpoint.Get("/metrics"));
    }

    [Fact]
    public void AClientThatDoesNotFinishItsRequestIsClosedAtTheDeadlineUnanswered()
    {
        var limits = ScrapeLimits.Default with { RequestDeadline = TimeSpan.FromMilliseconds(200) };
        using var endpoint = new EndpointUnderTest(() => Body, limits: limits);
        using var slow = endpoint.Connect();
        slow.Send("GET /metrics HTTP/1.1\r\nHost: te"u8.ToArray());
        // The endpoint closes it: the client reads the end of the stream, and no answer before it.
        Assert.Empty(EndpointUnderTest.ReadToEnd(slow));
        Eventually.True(() => endpoint.OnLoop(() => endpoint.Endpoint.OpenConnections) == 0, "the connection to be forgotten");
    }

    [Fact]
    public void BeyondTheCapANewConnectionIsClosedAtOnceAndTheOthersStayServed()
    {
        // Deadlines long enough that none passes during the test: the cap alone closes the connection.
        var limits = new ScrapeLimits(MaxConnections: 4, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));
        using var endpoint = new EndpointUnderTest(() => Body, limits: limits);
        var idle = Enumerable.Range(0, 4).Select(_ => endpoint.Connect()).ToList();
        try
        {
            Eventually.True(() => endpoint.OnLoop(() => endpoint.Endpoint.OpenConnections) == 4, "4 idle connections to be accepted");
            using (var extra = endpoint.Connect())
                Assert.Empty(EndpointUnderTest.ReadToEnd(extra));
            Assert.Equal(1, endpoint.OnLoop(() => endpoint.Endpoint.Refused));
            // The ones held open are still served, whenever they ask.
            idle[0].Send("GET /metrics HTTP/1.1\r\n\r\n"u8.ToArray());
            Assert.EndsWith(Encoding.UTF8.GetString(Body), Encoding.UTF8.GetString(EndpointUnderTest.ReadToEnd(idle[0])));
            // And a place freed is a place taken.
            Eventually.True(() => endpoint.OnLoop(() => endpoint.Endpoint.OpenConnections) == 3, "the answered connection to be forgotten");
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", endpoint.Get("/metrics"));
        }
        finally
        {
            idle.ForEach(client => client.Dispose());
        }
    }

    [Fact]
    public void AnAnswerLargerThanTheSocketTakesIsSentAsTheClientReads()
    {
        // Far beyond a loopback socket's buffers: the endpoint must wait for the client to read, more than once.
        byte[] large = new byte[16 << 20];
        new Random(21).NextBytes(large);
        using var endpoint = new EndpointUnderTest(() => large);
        byte[] answer = endpoint.Exchange("GET /metrics HTTP/1.1\r\n\r\n");
        Assert.True(answer.AsSpan(answer.Length - large.Length).SequenceEqual(large), "the body arrived changed");
        Assert.Equal(1, endpoint.OnLoop(() => endpoint.Loop.WritableWatches));
    }

    [Fact]
    public void AClientThatWillNotReadItsAnswerIsClosedAtTheAnswerDeadline()
    {
        byte[] large = new byte[16 << 20];
        var limits = ScrapeLimits.Default with { AnswerDeadline = TimeSpan.FromMilliseconds(200) };
        using var endpoint = new EndpointUnderTest(() => large, limits: limits);
        using var client = endpoint.Connect();
        client.Send("GET /metrics HTTP/1.1\r\n\r\n"u8.ToArray());
        Eventually.True(() => endpoint.OnLoop(() => endpoint.Endpoint.OpenConnections) == 0, "the connection to be closed");
        Assert.Equal(1, endpoint.OnLoop(() => endpoint.Loop.WritableWatches));
    }

    [Fact]
    public void BetweenScrapesNothingIsArmedOrWatchedButTheListener()
    {
        using var endpoint = new EndpointUnderTest(() => Body);
        Assert.Equal((1, -1), endpoint.Pending);
        endpoint.Get("/metrics");
        using (var gone = endpoint.Connect())
            gone.Send("GET /met"u8.ToArray());
        Eventually.True(() => endpoint.OnLoop(() => endpoint.Endpoint.OpenConnections) == 0, "every connection to be closed");
        // No timer left to wake the loop, no connection left in the set: the loop sleeps until the next connect.
        Assert.Equal((1, -1), endpoint.Pending);
    }

    [Fact]
    public void AFaultInTheExpositionClosesThatScrapeIsToldAndLaterScrapesAreServed()
    {
        int scrapes = 0;
        using var endpoint = new EndpointUnderTest(() => ++scrapes == 1 ? throw new InvalidOperationException("a bug") : Body);
        Assert.Empty(endpoint.Exchange("GET /metrics HTTP/1.1\r\n\r\n"));
        Assert.Equal("a bug", Assert.Single(endpoint.Faults).Message);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", endpoint.Get("/metrics"));
    }

    [Fact]
    public void ItsDescriptorsAreCloseOnExecAndAllClosedAtTheEnd()
    {
        var endpoint = new EndpointUnderTest(() => Body);
        using var held = endpoint.Connect();
        Eventually.True(() => endpoint.OnLoop(() => endpoint.Endpoint.OpenConnections) == 1, "the connection to be accepted");
        int[] fds = endpoint.OnLoop(() => endpoint.Descriptors);
        Assert.Equal(3, fds.Length); // the listener, the connection, the epoll set
        // Each as the descriptor table names it ("socket:[123]", "anon_inode:[eventpoll]"): a number reused later names another.
        var targets = fds.ToDictionary(fd => fd, Posix.DescriptorTarget);
        Assert.All(fds, fd => Assert.True(Posix.IsCloseOnExec(fd), $"fd {fd} ({targets[fd]}) would pass to a worker"));
        endpoint.Dispose();
        Assert.Empty(EndpointUnderTest.ReadToEnd(held));
        Assert.All(fds, fd => Assert.NotEqual(targets[fd], Posix.DescriptorTarget(fd)));
    }

    [PromtoolFact]
    public void PromtoolFindsNothingWrongInWhatTheEndpointServes()
    {
        using var endpoint = new EndpointUnderTest(() => ExpositionWriter.Write(Snapshots.Typical(), ProcessFacts.ReadSelf()));
        string answer = endpoint.Get("/metrics");
        Promtool.AssertCleanMetrics(Encoding.UTF8.GetBytes(answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]));
    }
}
