using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>clock_gettime.</summary>
internal static unsafe partial class Libc
{
    internal const int CLOCK_MONOTONIC = 1;

    /// <summary>struct timespec on LP64: two longs.</summary>
    [LibraryImport(Lib, EntryPoint = "clock_gettime", SetLastError = true)]
    internal static partial int ClockGetTime(int clock, long* timespec);
}
