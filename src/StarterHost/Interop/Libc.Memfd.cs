using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Sealed memory files: memfd_create(2) and file seals (fcntl F_ADD_SEALS), for bytes handed across an exec.</summary>
internal static unsafe partial class Libc
{
    internal const uint MFD_CLOEXEC = 0x1;
    internal const uint MFD_ALLOW_SEALING = 0x2;

    internal const int F_ADD_SEALS = 1033;
    internal const int F_GET_SEALS = 1034;
    internal const int F_SEAL_SEAL = 0x1;
    internal const int F_SEAL_SHRINK = 0x2;
    internal const int F_SEAL_GROW = 0x4;
    internal const int F_SEAL_WRITE = 0x8;

    internal const uint STATX_SIZE = 0x200;

    [LibraryImport(Lib, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MemfdCreate(string name, uint flags);

    [LibraryImport(Lib, EntryPoint = "pread", SetLastError = true)]
    internal static partial nint Pread(int fd, byte* buffer, nint count, long offset);
}
