namespace StarterHost.Supervision;

/// <summary>
/// Timers that fire on the event loop's own thread, as the timeout of its poll(2), instead of on the runtime's
/// timer thread: one thread fewer, and a timer's event is posted by the very thread that handles it.
/// Used from the loop thread only (the supervisor schedules and cancels from there).
/// </summary>
internal sealed class LoopTimeProvider : TimeProvider
{
    private readonly List<LoopTimer> _timers = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new LoopTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>How long poll may sleep before the next timer is due: -1 (for ever) when none is armed.</summary>
    public int MillisecondsUntilNextDue()
    {
        long next = long.MaxValue;
        foreach (var timer in _timers)
            next = Math.Min(next, timer.DueTimestamp);
        if (next == long.MaxValue)
            return -1;
        var wait = GetElapsedTime(GetTimestamp(), next);
        // Rounded up: waking a moment early would only poll again.
        return wait <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(wait.TotalMilliseconds));
    }

    /// <summary>Runs the callbacks of every timer that is due.</summary>
    public void FireDue()
    {
        long now = GetTimestamp();
        foreach (var timer in _timers.Where(t => t.DueTimestamp <= now).ToList())
        {
            timer.Disarm();
            timer.Fire();
        }
    }

    private sealed class LoopTimer(LoopTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueTimestamp { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // One-shot timers are all the supervisor uses; a period would be re-armed by the caller.
            if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
                throw new NotSupportedException("periodic loop timers");
            Disarm();
            if (dueTime == Timeout.InfiniteTimeSpan)
                return true;
            DueTimestamp = owner.GetTimestamp() + (long)(Math.Max(0, dueTime.TotalSeconds) * owner.TimestampFrequency);
            owner._timers.Add(this);
            return true;
        }

        public void Disarm() => owner._timers.Remove(this);

        public void Fire() => callback(state);

        public void Dispose() => Disarm();

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
