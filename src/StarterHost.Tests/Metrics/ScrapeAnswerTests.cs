using System.Text;
using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

/// <summary>The answer to each kind of request, head and body, byte for byte.</summary>
public sealed class ScrapeAnswerTests
{
    private static readonly byte[] Body = "starterhost_generation 1\n"u8.ToArray();

    private static string Answer(RequestProgress progress, ScrapeRequest? request, Func<byte[]>? exposition = null) =>
        Encoding.UTF8.GetString(ScrapeAnswer.For(progress, request, exposition ?? (() => Body)));

    [Fact]
    public void GetMetricsIsTheExpositionWithItsContentType() =>
        Assert.Equal(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 25\r\nConnection: close\r\n\r\n"
            + "starterhost_generation 1\n",
            Answer(RequestProgress.Complete, new("GET", "/metrics")));

    [Fact]
    public void HeadMetricsIsTheSameHeadWithoutTheBody() =>
        Assert.Equal(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 25\r\nConnection: close\r\n\r\n",
            Answer(RequestProgress.Complete, new("HEAD", "/metrics")));

    [Theory]
    [InlineData("GET", "/", 404)]
    [InlineData("GET", "/metrics/", 404)]
    [InlineData("GET", "/Metrics", 404)]
    [InlineData("POST", "/metrics", 405)]
    [InlineData("DELETE", "/metrics", 405)]
    [InlineData("POST", "/other", 404)]
    public void AnythingElseIsNotFoundOrNotAllowed(string method, string path, int status)
    {
        bool rendered = false;
        string answer = Answer(RequestProgress.Complete, new(method, path), () =>
        {
            rendered = true;
            return Body;
        });
        Assert.StartsWith($"HTTP/1.1 {status} ", answer);
        Assert.Contains("\r\nConnection: close\r\n", answer);
        Assert.Equal(status == 405, answer.Contains("\r\nAllow: GET, HEAD\r\n", StringComparison.Ordinal));
        Assert.False(rendered, "the exposition was rendered for an answer without it");
    }

    [Theory]
    [InlineData(nameof(RequestProgress.Malformed), "HTTP/1.1 400 Bad Request\r\n")]
    [InlineData(nameof(RequestProgress.TooLarge), "HTTP/1.1 431 Request Header Fields Too Large\r\n")]
    public void ABadRequestIsToldSo(string progress, string statusLine) =>
        Assert.StartsWith(statusLine, Answer(Enum.Parse<RequestProgress>(progress), null));

    [Fact]
    public void MetricsThatCannotBeReadFailThisScrapeAndSayWhy()
    {
        string answer = Answer(RequestProgress.Complete, new("GET", "/metrics"), () => throw new IOException("/proc/self/stat: gone"));
        Assert.StartsWith("HTTP/1.1 500 Internal Server Error\r\n", answer);
        Assert.EndsWith("\r\n\r\nthe metrics could not be read: /proc/self/stat: gone\n", answer);
    }

    [Fact]
    public void ABugInTheExpositionIsNotTakenForAnAnswer() =>
        Assert.Throws<InvalidOperationException>(() => Answer(RequestProgress.Complete, new("GET", "/metrics"), () => throw new InvalidOperationException("bug")));

    [Fact]
    public void TheContentLengthIsTheBodysInBytes()
    {
        byte[] body = Encoding.UTF8.GetBytes("starterhost_listen_backlog{listener=\"/run/é.sock\"} 1\n");
        string answer = Answer(RequestProgress.Complete, new("GET", "/metrics"), () => body);
        Assert.Contains($"\r\nContent-Length: {body.Length}\r\n", answer);
        Assert.NotEqual(body.Length, Encoding.UTF8.GetString(body).Length);
    }
}
