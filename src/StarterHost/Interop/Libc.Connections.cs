using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>The connections StarterHost itself answers (the metrics endpoint): accept4 and send on bare fds.</summary>
internal static unsafe partial class Libc
{
    internal const int ECONNABORTED = 103;
    internal const int MSG_NOSIGNAL = 0x4000;

    [LibraryImport(Lib, EntryPoint = "accept4", SetLastError = true)]
    internal static partial int Accept4(int fd, byte* address, uint* length, int flags);

    [LibraryImport(Lib, EntryPoint = "send", SetLastError = true)]
    internal static partial nint Send(int fd, byte* buffer, nint length, int flags);
}
