namespace StarterHost.Supervision;

/// <summary>
/// Gives the GC's spare memory back once the loop has been idle for <see cref="After"/> after it allocated at least
/// <see cref="Threshold"/>: a compacting collection that also decommits the free regions and the unused end of gen0.
/// Without it a burst of restarts leaves about 1 MB more resident for good (issue 22): gen0's allocation budget is
/// walked through once and stays touched, and the regions the first gen1 collection takes stay committed. A
/// supervisor is idle nearly all the time, so that is what its memory should be measured at.
/// </summary>
/// <remarks>
/// One timer on the loop, moved by every step that allocated: while work goes on it never fires, and after it fires
/// nothing is armed until something allocates again, so an idle loop has no wake-up of its own. A restart allocates
/// about 70 kB; a STATUS= datagram or a timer a few kB, so a worker's chatter costs a collection per many of them.
/// A collection of StarterHost's heap (about 0.6 MB live) takes about a millisecond.
/// </remarks>
internal sealed class IdleTrim(TimeProvider timers, Func<long> allocated, Action collect)
{
    public static readonly TimeSpan After = TimeSpan.FromSeconds(1);
    public const long Threshold = 64 * 1024;

    private long _allocatedAtTrim = allocated();
    private ITimer? _timer;

    /// <summary>The GC's own counters, and its collection that decommits what it can.</summary>
    public IdleTrim(TimeProvider timers)
        : this(timers, () => GC.GetTotalAllocatedBytes(), () => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true))
    {
    }

    /// <summary>Loop thread, after each step: the idle second starts again if the step allocated enough to be worth a trim.</summary>
    public void Stepped()
    {
        if (allocated() - _allocatedAtTrim < Threshold)
            return;
        _timer ??= timers.CreateTimer(_ => Trim(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(After, Timeout.InfiniteTimeSpan);
    }

    private void Trim()
    {
        collect();
        _allocatedAtTrim = allocated();
    }
}
