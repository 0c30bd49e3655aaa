using Microsoft.Extensions.Time.Testing;
using StarterHost.Supervision;

namespace StarterHost.Tests.Supervision;

/// <summary>A worker's STATUS= texts: a few a second go through, a flood is held, counted and its last word delivered.</summary>
public sealed class StatusThrottleTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<(string Text, int Unshown)> _delivered = [];
    private readonly StatusThrottle _throttle;

    public StatusThrottleTests() => _throttle = new StatusThrottle(_time, (text, unshown) => _delivered.Add((text, unshown)));

    /// <summary>What each offer gave back, "held" for nothing.</summary>
    private string[] Offer(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(i => _throttle.Offer($"flood {i}") ?? "held")];

    [Fact]
    public void AFewTextsASecondGoThroughAtOnce()
    {
        Assert.Equal(["flood 1", "flood 2", "flood 3", "flood 4", "flood 5"], Offer(1, 5));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["flood 6", "flood 7"], Offer(6, 7));
        Assert.Empty(_delivered);
    }

    [Fact]
    public void AFloodIsHeldAndItsLatestDeliveredWithTheCountWhenTheSecondIsOver()
    {
        Offer(1, 5);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.All(Offer(6, 100_000), o => Assert.Equal("held", o));
        _time.Advance(TimeSpan.FromMilliseconds(699));
        Assert.Empty(_delivered);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([("flood 100000", 99_994)], _delivered);
    }

    [Fact]
    public void TheDeliveredTextOpensTheNextSecond()
    {
        Offer(1, 7);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([("flood 7", 1)], _delivered);
        Assert.Equal(["flood 8", "flood 9", "flood 10", "flood 11", "held"], Offer(8, 12));
    }

    [Fact]
    public void RepeatsOfTheLatestCostNothing()
    {
        Assert.Equal("ok", _throttle.Offer("ok"));
        for (int i = 0; i < 1000; i++)
            Assert.Null(_throttle.Offer("ok"));
        Assert.Equal(["flood 1", "flood 2", "flood 3", "flood 4", "held"], Offer(1, 5));
    }

    [Fact]
    public void AFlushDeliversWhatIsHeldAtOnceAndOnlyOnce()
    {
        Offer(1, 9);
        _throttle.Flush();
        Assert.Equal([("flood 9", 3)], _delivered);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(_delivered);
    }
}
