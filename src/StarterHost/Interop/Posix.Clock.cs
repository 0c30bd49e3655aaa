using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>The clock the service manager reads sd_notify's times against.</summary>
internal static unsafe partial class Posix
{
    /// <summary>
    /// CLOCK_MONOTONIC in microseconds, the clock sd_notify's MONOTONIC_USEC= is read against. Asked
    /// of the kernel by name: Stopwatch does not promise which clock it uses.
    /// </summary>
    public static long MonotonicMicroseconds
    {
        get
        {
            long* timespec = stackalloc long[2];
            if (Libc.ClockGetTime(Libc.CLOCK_MONOTONIC, timespec) < 0)
                throw PosixException.FromLastError("clock_gettime(CLOCK_MONOTONIC)");
            return timespec[0] * 1_000_000 + timespec[1] / 1_000;
        }
    }
}
