using StarterHost.Interop;

namespace StarterHost.Supervision;

/// <summary>
/// The supervisor's clock: timestamps are CLOCK_MONOTONIC in microseconds, asked of the kernel by name (Stopwatch does
/// not promise which clock it uses). It is the clock sd_notify's MONOTONIC_USEC= is read against, and the one an armed
/// timer's due time can be given in to another image of StarterHost (an upgrade in place keeps the clock).
/// </summary>
internal sealed class MonotonicClock : TimeProvider
{
    public override long GetTimestamp() => Posix.MonotonicMicroseconds;

    public override long TimestampFrequency => 1_000_000;
}
