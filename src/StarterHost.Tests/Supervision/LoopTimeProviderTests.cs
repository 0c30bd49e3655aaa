using StarterHost.Supervision;

namespace StarterHost.Tests.Supervision;

/// <summary>The event loop's timers: what poll is told to wait, and which callbacks run when it wakes.</summary>
public sealed class LoopTimeProviderTests
{
    private readonly LoopTimeProvider _timers = new();
    private readonly List<string> _fired = [];

    private ITimer Arm(string name, TimeSpan due) =>
        _timers.CreateTimer(_ => _fired.Add(name), null, due, Timeout.InfiniteTimeSpan);

    [Fact]
    public void WithNothingArmedPollWaitsForEver()
    {
        Assert.Equal(-1, _timers.MillisecondsUntilNextDue());
        using var disarmed = Arm("never", Timeout.InfiniteTimeSpan);
        Assert.Equal(-1, _timers.MillisecondsUntilNextDue());
    }

    [Fact]
    public void PollWaitsUntilTheEarliestTimerAndOnlyDueTimersFire()
    {
        using var later = Arm("later", TimeSpan.FromHours(1));
        using var soon = Arm("soon", TimeSpan.FromMinutes(1));
        int wait = _timers.MillisecondsUntilNextDue();
        Assert.InRange(wait, 59_000, 60_000);
        using var now = Arm("now", TimeSpan.Zero);
        Assert.Equal(0, _timers.MillisecondsUntilNextDue());
        _timers.FireDue();
        Assert.Equal(["now"], _fired);
        // One-shot: fired once, then disarmed.
        _timers.FireDue();
        Assert.Equal(["now"], _fired);
        Assert.InRange(_timers.MillisecondsUntilNextDue(), 1, 60_000);
    }

    [Fact]
    public void ADisposedOrChangedTimerDoesNotFire()
    {
        var disposed = Arm("disposed", TimeSpan.Zero);
        disposed.Dispose();
        var moved = Arm("moved", TimeSpan.Zero);
        moved.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        _timers.FireDue();
        Assert.Empty(_fired);
        moved.Dispose();
        Assert.Equal(-1, _timers.MillisecondsUntilNextDue());
    }
}
