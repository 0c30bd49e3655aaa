using StarterHost.Generations;

namespace StarterHost.Supervision;

/// <summary>
/// Every timer of the supervisor, kept once and used from the event loop's thread only: the machine's, each known by
/// its event (<see cref="Start"/> with an event equal to an armed one re-arms it), and the effect layer's callbacks
/// (<see cref="TimeProvider.CreateTimer"/>, e.g. a worker's STATUS= throttle). Nothing runs on a timer thread: the
/// loop sleeps in poll(2) until <see cref="MillisecondsUntilNextDue"/>, then takes the due events as events of their
/// own (<see cref="TakeDue"/>), with no eventfd write and no second wake-up.
/// </summary>
/// <remarks>
/// Times are <paramref name="clock"/>'s timestamps: CLOCK_MONOTONIC in production (<see cref="MonotonicClock"/>), so
/// that an armed timer can be told as its event and an absolute due time (<see cref="Armed"/>) and re-armed from those.
/// </remarks>
internal sealed class LoopTimers(TimeProvider clock) : TimeProvider
{
    private sealed class Entry(object key, long due, long order)
    {
        public object Key => key;
        public long Due { get; set; } = due;
        public long Order { get; set; } = order;

        /// <summary>Of a timer about workers: those not forgotten yet.</summary>
        public HashSet<int>? Subjects { get; init; }
    }

    private sealed class ByDue : IComparer<Entry>
    {
        public static readonly ByDue Instance = new();

        public int Compare(Entry? x, Entry? y) => (x!.Due, x.Order).CompareTo((y!.Due, y.Order));
    }

    private readonly Dictionary<object, Entry> _byKey = [];
    private readonly SortedSet<Entry> _byDue = new(ByDue.Instance);
    private long _order;

    public override long GetTimestamp() => clock.GetTimestamp();

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    /// <summary>How many timers are armed.</summary>
    public int Count => _byKey.Count;

    /// <summary>Arms the timer of <paramref name="evt"/> to be due after <paramref name="delay"/>; an armed one equal to it is re-armed.</summary>
    public void Start(StarterEvent evt, TimeSpan delay) =>
        Arm(evt, GetTimestamp() + Ticks(delay), evt is IAboutWorkers about ? [.. about.Subjects] : null);

    /// <summary>Arms the timer of <paramref name="evt"/> at an absolute time of the clock (one carried over from elsewhere).</summary>
    public void StartAt(StarterEvent evt, long dueTimestamp) =>
        Arm(evt, dueTimestamp, evt is IAboutWorkers about ? [.. about.Subjects] : null);

    public void Cancel(StarterEvent evt) => Disarm(evt);

    /// <summary>The machine forgot <paramref name="pid"/>: a timer about workers is disarmed once all of them are forgotten.</summary>
    public void Forget(int pid)
    {
        List<Entry>? moot = null;
        foreach (var entry in _byKey.Values)
        {
            if (entry.Subjects is { } subjects && subjects.Remove(pid) && subjects.Count == 0)
                (moot ??= []).Add(entry);
        }
        foreach (var entry in moot ?? [])
            Disarm(entry.Key);
    }

    /// <summary>The machine's armed timers, soonest first: each event and its due time on the clock.</summary>
    public IEnumerable<(StarterEvent Event, long DueTimestamp)> Armed =>
        _byDue.Where(e => e.Key is StarterEvent).Select(e => ((StarterEvent)e.Key, e.Due));

    /// <summary>How long poll may sleep before the next timer is due: -1 (until woken) when none is armed.</summary>
    public int MillisecondsUntilNextDue()
    {
        if (_byDue.Count == 0)
            return -1;
        var wait = GetElapsedTime(GetTimestamp(), _byDue.Min!.Due);
        // Rounded up: waking a moment early would only poll again.
        return wait <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(wait.TotalMilliseconds));
    }

    /// <summary>
    /// Disarms every timer that is due, soonest first: the machine's events are returned, to be handled as events;
    /// callbacks run here.
    /// </summary>
    public List<StarterEvent> TakeDue()
    {
        var due = new List<StarterEvent>();
        long now = GetTimestamp();
        while (_byDue.Count > 0 && _byDue.Min!.Due <= now)
        {
            var entry = _byDue.Min;
            Disarm(entry.Key);
            if (entry.Key is StarterEvent evt)
                due.Add(evt);
            else
                ((CallbackTimer)entry.Key).Fire();
        }
        return due;
    }

    /// <summary>Disarms every timer: none outlives the supervisor.</summary>
    public void Clear()
    {
        _byKey.Clear();
        _byDue.Clear();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new CallbackTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Arm(object key, long due, HashSet<int>? subjects)
    {
        Disarm(key);
        var entry = new Entry(key, due, _order++) { Subjects = subjects };
        _byKey[key] = entry;
        _byDue.Add(entry);
    }

    private void Disarm(object key)
    {
        if (_byKey.Remove(key, out var entry))
            _byDue.Remove(entry);
    }

    private long Ticks(TimeSpan delay) => (long)(Math.Max(0, delay.TotalSeconds) * TimestampFrequency);

    /// <summary>A one-shot callback on the loop thread, known by itself.</summary>
    private sealed class CallbackTimer(LoopTimers owner, TimerCallback callback, object? state) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // One-shot timers are all the effect layer uses; a period would be re-armed by the caller.
            if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
                throw new NotSupportedException("periodic loop timers");
            owner.Disarm(this);
            if (dueTime != Timeout.InfiniteTimeSpan)
                owner.Arm(this, owner.GetTimestamp() + owner.Ticks(dueTime), null);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Disarm(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
