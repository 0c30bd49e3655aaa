namespace StarterHost.Supervision;

/// <summary>
/// How many of one worker's STATUS= texts reach the machine (and so the log and StarterHost's own STATUS=): at
/// most <see cref="PerSecond"/> a second. Beyond that the latest is held and the others counted, and when the
/// second is over the latest goes on with the count of those never shown, so a flood costs a few lines a second
/// and the last word still arrives. A repeat of the latest text is no change and costs nothing.
/// </summary>
/// <remarks>
/// Here, in the effect layer, and not in the machine: the machine has no clock, and a rule there would still
/// take every datagram through Apply, Publish and a STATUS= composition; here a dropped text costs one recvmsg.
/// </remarks>
/// <param name="deliverHeld">Given the held text and how many before it were not shown, when its second is over.</param>
internal sealed class StatusThrottle(TimeProvider time, Action<string, int> deliverHeld) : IDisposable
{
    public const int PerSecond = 5;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private long _windowStart = long.MinValue;
    private int _passed;
    private string? _latest;
    private string? _held;
    private int _heldCount;
    private ITimer? _timer;

    /// <summary>The text to deliver now, or null: a repeat of the latest, or held until the second is over.</summary>
    public string? Offer(string text)
    {
        if (text == _latest)
            return null;
        _latest = text;
        long now = time.GetTimestamp();
        if (_held is null)
        {
            if (_windowStart == long.MinValue || time.GetElapsedTime(_windowStart, now) >= Window)
                (_windowStart, _passed) = (now, 0);
            if (_passed < PerSecond)
            {
                _passed++;
                return text;
            }
        }
        _held = text;
        _heldCount++;
        _timer ??= time.CreateTimer(_ => Flush(), null, Window - time.GetElapsedTime(_windowStart, now), Timeout.InfiniteTimeSpan);
        return null;
    }

    /// <summary>Delivers what is held at once (the worker is gone: its last word still counts).</summary>
    public void Flush()
    {
        _timer?.Dispose();
        _timer = null;
        if (_held is not { } held)
            return;
        int unshown = _heldCount - 1;
        (_held, _heldCount) = (null, 0);
        // The held text opens the next second.
        (_windowStart, _passed) = (time.GetTimestamp(), 1);
        deliverHeld(held, unshown);
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
