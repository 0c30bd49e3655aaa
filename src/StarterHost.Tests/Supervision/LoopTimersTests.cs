using Microsoft.Extensions.Time.Testing;
using StarterHost.Generations;
using StarterHost.Supervision;

namespace StarterHost.Tests.Supervision;

/// <summary>The loop's timers: known by their event, what poll is told to wait, what is due, and what is disarmed when its workers are forgotten.</summary>
public sealed class LoopTimersTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly LoopTimers _timers;

    public LoopTimersTests() => _timers = new LoopTimers(_clock);

    private List<StarterEvent> After(TimeSpan by)
    {
        _clock.Advance(by);
        return _timers.TakeDue();
    }

    [Fact]
    public void WithNothingArmedPollWaitsUntilWoken()
    {
        Assert.Equal(-1, _timers.MillisecondsUntilNextDue());
        _timers.Start(new StatusRetryDue(), TimeSpan.FromSeconds(1));
        _timers.Cancel(new StatusRetryDue());
        Assert.Equal(-1, _timers.MillisecondsUntilNextDue());
        Assert.Empty(After(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void PollWaitsUntilTheEarliestAndTheDueComeSoonestFirstOnce()
    {
        _timers.Start(new RetryDue(3), TimeSpan.FromHours(1));
        _timers.Start(new RetryDue(2), TimeSpan.FromMinutes(1));
        Assert.Equal(60_000, _timers.MillisecondsUntilNextDue());
        _timers.Start(new RetryDue(1), TimeSpan.FromMinutes(1));
        _timers.Start(new RetryDue(0), TimeSpan.Zero);
        Assert.Equal(0, _timers.MillisecondsUntilNextDue());

        Assert.Equal([new RetryDue(0)], _timers.TakeDue());
        // Due together: in the order they were armed.
        Assert.Equal([new RetryDue(2), new RetryDue(1)], After(TimeSpan.FromMinutes(1)));
        Assert.Empty(_timers.TakeDue());
        Assert.Equal(1, _timers.Count);
    }

    [Fact]
    public void ATimerIsKnownByItsEventSoAnEqualOneReArmsIt()
    {
        _timers.Start(new DrainDeadlineDue([100, 200]), TimeSpan.FromSeconds(10));
        _timers.Start(new DrainDeadlineDue([100, 200]), TimeSpan.FromSeconds(30));
        Assert.Equal(1, _timers.Count);
        Assert.Empty(After(TimeSpan.FromSeconds(10)));
        Assert.Equal([new DrainDeadlineDue([100, 200])], After(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void ATimerAboutWorkersIsDisarmedOnceEveryOneOfThemIsForgotten()
    {
        _timers.Start(new DrainDeadlineDue([100, 200]), TimeSpan.FromSeconds(10));
        _timers.Start(new LifetimeElapsed(200), TimeSpan.FromSeconds(60));
        _timers.Start(new RetryDue(2), TimeSpan.FromSeconds(60));
        _timers.Forget(200);
        Assert.Equal([new DrainDeadlineDue([100, 200])], _timers.Armed.Select(t => t.Event).Where(e => e is DrainDeadlineDue));
        Assert.DoesNotContain(_timers.Armed, t => t.Event is LifetimeElapsed);
        _timers.Forget(100);
        Assert.Equal([new RetryDue(2)], _timers.Armed.Select(t => t.Event));
    }

    [Fact]
    public void AnArmedTimerIsItsEventAndADueTimeItCanBeArmedAgainFrom()
    {
        _timers.Start(new StartupIntervalElapsed(2, 200), TimeSpan.FromSeconds(1));
        _timers.Start(new WatchdogDue(TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(5));
        var armed = _timers.Armed.ToList();
        Assert.Equal(_clock.GetTimestamp() + _clock.TimestampFrequency, armed[0].DueTimestamp);

        var restored = new LoopTimers(_clock);
        foreach (var (evt, due) in armed)
            restored.StartAt(evt, due);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([new StartupIntervalElapsed(2, 200), new WatchdogDue(TimeSpan.FromSeconds(5))], restored.TakeDue());
    }

    [Fact]
    public void ACallbackTimerRunsWhenDueAndNotOnceDisposedOrMoved()
    {
        var fired = new List<string>();
        using var soon = _timers.CreateTimer(_ => fired.Add("soon"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var disposed = _timers.CreateTimer(_ => fired.Add("disposed"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        using var moved = _timers.CreateTimer(_ => fired.Add("moved"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        moved.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        // Not an event of the machine's: a callback runs, and nothing is returned.
        Assert.Empty(After(TimeSpan.FromSeconds(1)));
        Assert.Equal(["soon"], fired);
        Assert.Empty(After(TimeSpan.FromSeconds(1)));
        Assert.Equal(["soon"], fired);
    }
}
