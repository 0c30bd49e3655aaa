using Microsoft.Extensions.Time.Testing;
using StarterHost.Supervision;

namespace StarterHost.Tests.Supervision;

/// <summary>The GC's spare memory is given back once the loop has been idle for a second after real work, and only then.</summary>
public sealed class IdleTrimTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly LoopTimers _timers;
    private readonly IdleTrim _trim;
    private long _allocated;
    private int _collections;

    public IdleTrimTests()
    {
        _timers = new LoopTimers(_clock);
        _trim = new IdleTrim(_timers, () => _allocated, () => _collections++);
    }

    /// <summary>One step of the loop that allocated <paramref name="bytes"/>, then <paramref name="idle"/> of sleep.</summary>
    private void Step(long bytes, TimeSpan idle)
    {
        _allocated += bytes;
        _trim.Stepped();
        _clock.Advance(idle);
        _timers.TakeDue();
    }

    [Fact]
    public void ABurstOfWorkIsTrimmedOnceASecondAfterItEndsAndNotWhileItGoesOn()
    {
        for (int restart = 0; restart < 50; restart++)
            Step(70 * 1024, TimeSpan.FromMilliseconds(20));
        Assert.Equal(0, _collections);

        Step(0, IdleTrim.After);
        Assert.Equal(1, _collections);
        // Trimmed, the idle loop has nothing armed: no wake-up of its own.
        Assert.Equal(-1, _timers.MillisecondsUntilNextDue());
        Step(0, TimeSpan.FromHours(1));
        Assert.Equal(1, _collections);
    }

    [Fact]
    public void StepsThatAllocateLittleAddUpBeforeTheyAreWorthATrim()
    {
        Step(IdleTrim.Threshold / 2, IdleTrim.After);
        Assert.Equal(0, _collections);
        Assert.Equal(-1, _timers.MillisecondsUntilNextDue());

        Step(IdleTrim.Threshold / 2, IdleTrim.After);
        Assert.Equal(1, _collections);
    }
}
