using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Files created where another user may have planted a name first: no symlink followed, no name reused.</summary>
internal static unsafe partial class Libc
{
    internal const int EEXIST = 17;
    internal const int ELOOP = 40;

    internal const int O_EXCL = 0x80;
    internal const int O_NOFOLLOW = 0x20000;

    internal const int AT_EMPTY_PATH = 0x1000;
    internal const uint STATX_BASIC_STATS = 0x7FF;

    /// <summary>mkdtemp(3): a new directory, mode 0700, at the template's name with its trailing XXXXXX made random.</summary>
    [LibraryImport(Lib, EntryPoint = "mkdtemp", SetLastError = true)]
    internal static partial byte* Mkdtemp(byte* template);
}
