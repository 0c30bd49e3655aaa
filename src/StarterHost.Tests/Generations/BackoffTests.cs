using StarterHost.Generations;

namespace StarterHost.Tests.Generations;

public sealed class BackoffTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1, 0)]      // the first retry is immediate, as start_server's
    [InlineData(2, 0.5)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(7, 16)]
    [InlineData(8, 30)]     // 32 s nominal, capped
    [InlineData(500, 30)]
    public void TheDelayDoublesFromHalfASecondUpToTheCapWithinTwentyPercent(int failures, double nominalSeconds)
    {
        for (uint seed = 1; seed < 200; seed++)
        {
            var (delay, _) = Backoff.After(failures, Cap, seed);
            Assert.InRange(delay.TotalSeconds, nominalSeconds * 0.8, Math.Min(nominalSeconds * 1.2, Cap.TotalSeconds));
        }
    }

    [Fact]
    public void JitterSpreadsRetriesAndIsAFunctionOfTheSeed()
    {
        var delays = Enumerable.Range(1, 50).Select(seed => Backoff.After(5, Cap, (uint)seed).Delay).ToHashSet();
        Assert.True(delays.Count > 40, $"only {delays.Count} distinct delays of 50");
        Assert.Equal(Backoff.After(5, Cap, 77), Backoff.After(5, Cap, 77));
    }

    [Fact]
    public void ACapOfZeroTurnsTheBackoffOff()
    {
        Assert.Equal(TimeSpan.Zero, Backoff.After(10, TimeSpan.Zero, 5).Delay);
    }
}
