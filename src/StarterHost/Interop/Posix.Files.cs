using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace StarterHost.Interop;

/// <summary>
/// Files in directories another user may write to (a pid file, a status file, the notify directory): the
/// final name is never followed if it is a symlink, and a new file or directory is never one planted first.
/// </summary>
internal static unsafe partial class Posix
{
    /// <summary>
    /// Opens (creating 0644) a file for reading and writing, close-on-exec, refusing a symlink at the name
    /// (ELOOP). Raw open(2), not FileStream: .NET takes flock(LOCK_SH) on files it opens, which would fight
    /// the pid-file lock protocol.
    /// </summary>
    public static SafeFileHandle OpenReadWriteNoFollow(string path)
    {
        int fd = Libc.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x1A4);
        if (fd < 0)
            throw PosixException.FromLastError($"open({path})");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Creates a file that did not exist (O_EXCL: EEXIST if anything, a symlink included, has the name),
    /// write-only, close-on-exec, with <paramref name="mode"/> less the umask.
    /// </summary>
    public static int CreateExclusive(string path, UnixFileMode mode)
    {
        int fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, (int)mode);
        if (fd < 0)
            throw PosixException.FromLastError($"open({path})");
        return fd;
    }

    /// <summary>What a path names (a final symlink itself, unless <paramref name="followSymlink"/>); null when nothing does.</summary>
    public static FileStatus? TryGetFileStatus(string path, bool followSymlink = false)
    {
        byte* buffer = stackalloc byte[256];
        int flags = followSymlink ? 0 : Libc.AT_SYMLINK_NOFOLLOW;
        return Libc.Statx(Libc.AT_FDCWD, path, flags, Libc.STATX_BASIC_STATS, buffer) < 0 ? null : StatusFrom(buffer);
    }

    /// <summary>What an open file is (fstat, through statx's AT_EMPTY_PATH).</summary>
    public static FileStatus GetFileStatus(SafeHandle file, string name)
    {
        byte* buffer = stackalloc byte[256];
        if (Libc.Statx((int)file.DangerousGetHandle(), "", Libc.AT_EMPTY_PATH, Libc.STATX_BASIC_STATS, buffer) < 0)
            throw PosixException.FromLastError($"fstat({name})");
        return StatusFrom(buffer);
    }

    /// <summary>struct statx: u32 stx_nlink at 16, u32 stx_uid at 20, u32 stx_gid at 24, u16 stx_mode at 28, u64 stx_ino at 32.</summary>
    private static FileStatus StatusFrom(byte* statx) =>
        new(*(ushort*)(statx + 28), *(uint*)(statx + 20), *(uint*)(statx + 24), *(uint*)(statx + 16), *(ulong*)(statx + 32));

    /// <summary>
    /// mkdtemp(3): creates <paramref name="prefix"/> followed by six random characters as a new directory,
    /// mode 0700, and returns its path. mkdir(2) never follows or reuses a name that exists.
    /// </summary>
    public static string MakeTemporaryDirectory(string prefix)
    {
        byte[] template = Encoding.UTF8.GetBytes(prefix + "XXXXXX\0");
        fixed (byte* p = template)
        {
            if (Libc.Mkdtemp(p) is null)
                throw PosixException.FromLastError($"mkdtemp({prefix}XXXXXX)");
        }
        return Encoding.UTF8.GetString(template, 0, template.Length - 1);
    }

    /// <summary>flock(LOCK_EX), non-blocking when asked; false when another holder has the lock.</summary>
    public static bool TryLockExclusive(SafeHandle file, string name, bool wait)
    {
        int fd = (int)file.DangerousGetHandle();
        while (true)
        {
            if (Libc.Flock(fd, wait ? Libc.LOCK_EX : Libc.LOCK_EX | Libc.LOCK_NB) == 0)
                return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EWOULDBLOCK && !wait)
                return false;
            if (errno != Libc.EINTR)
                throw new PosixException($"flock({name})", errno);
        }
    }

    /// <summary>Opens a file for appending, close-on-exec, creating it 0644.</summary>
    public static int OpenForAppend(string path)
    {
        int fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC, 0x1A4);
        if (fd < 0)
            throw PosixException.FromLastError($"open({path})");
        return fd;
    }

    /// <summary>
    /// Opens an existing file read-only, close-on-exec: enough to wait for its flock(2). Raw open(2), not
    /// FileStream: .NET takes flock(LOCK_SH) on files it opens, which would fight the pid-file lock protocol.
    /// </summary>
    public static SafeFileHandle OpenReadOnly(string path)
    {
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw PosixException.FromLastError($"open({path})");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    public static void Truncate(SafeFileHandle file, string name)
    {
        if (Libc.Ftruncate((int)file.DangerousGetHandle(), 0) < 0)
            throw PosixException.FromLastError($"ftruncate({name})");
    }

    /// <summary>access(X_OK): null when executable, else the reason.</summary>
    public static string? WhyNotExecutable(string path) =>
        Libc.Access(path, Libc.X_OK) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    /// <summary>access(W_OK | X_OK) of a directory: null when files can be created in it, else the reason.</summary>
    public static string? WhyNoFilesIn(string directory) =>
        File.Exists(directory) ? Marshal.GetPInvokeErrorMessage(Libc.ENOTDIR)
        : Libc.Access(directory, Libc.W_OK | Libc.X_OK) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
}
