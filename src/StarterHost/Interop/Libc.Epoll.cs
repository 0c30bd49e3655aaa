using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// epoll(7): a set of descriptors that is itself one readable descriptor. The metrics endpoint keeps its listener and
/// its scrape connections in one, so the event loop polls a single fd for all of them, readable or writable.
/// </summary>
internal static unsafe partial class Libc
{
    internal const int EPOLL_CLOEXEC = 0x80000;
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;
    internal const uint EPOLLIN = 0x1;
    internal const uint EPOLLOUT = 0x4;
    internal const uint EPOLLERR = 0x8;
    internal const uint EPOLLHUP = 0x10;

    /// <summary>
    /// sizeof(struct epoll_event): { u32 events; u64 data; }, packed on x86-64 (12 bytes), naturally aligned elsewhere
    /// (16). The data, our fd, is read from the first four bytes of the u64 (little-endian on both).
    /// </summary>
    internal static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Where the u64 data begins in a struct epoll_event.</summary>
    internal static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport(Lib, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);

    [LibraryImport(Lib, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static partial int EpollCtl(int epollFd, int operation, int fd, byte* evt);

    [LibraryImport(Lib, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static partial int EpollWait(int epollFd, byte* events, int maxEvents, int timeoutMs);
}
