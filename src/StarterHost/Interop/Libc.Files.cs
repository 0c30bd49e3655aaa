using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// Files: open and its flags, locks, access, statx; and for files created where another user may have planted
/// a name first, no symlink followed and no name reused.
/// </summary>
internal static unsafe partial class Libc
{
    internal const int O_EXCL = 0x80;
    internal const int O_NOFOLLOW = 0x20000;
    internal const int AT_EMPTY_PATH = 0x1000;
    internal const uint STATX_BASIC_STATS = 0x7FF;

    /// <summary>mkdtemp(3): a new directory, mode 0700, at the template's name with its trailing XXXXXX made random.</summary>
    [LibraryImport(Lib, EntryPoint = "mkdtemp", SetLastError = true)]
    internal static partial byte* Mkdtemp(byte* template);

    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int O_RDONLY = 0x0;
    internal const int O_WRONLY = 0x1;
    internal const int O_RDWR = 0x2;
    internal const int O_CREAT = 0x40;
    internal const int O_APPEND = 0x400;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;

    [LibraryImport(Lib, EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, int mode);

    [LibraryImport(Lib, EntryPoint = "ftruncate", SetLastError = true)]
    internal static partial int Ftruncate(int fd, long length);

    internal const int X_OK = 1;
    internal const int W_OK = 2;

    [LibraryImport(Lib, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Access(string path, int mode);

    internal const int AT_FDCWD = -100;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;

    /// <summary>statx(2): unlike struct stat, struct statx has the same layout on every architecture.</summary>
    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
