using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// Replacing this process's image in place, with exactly the argv and environment given (the upgrade in place, and
/// its rollback to the image that ran before). The pid, the children, the descriptors without FD_CLOEXEC, the
/// signal mask and pending signals carry over; the calling thread must be the main thread, since a child's
/// parent-death signal fires when the thread that spawned it goes, and an exec from another thread ends the main one.
/// </summary>
internal static unsafe partial class Posix
{
    /// <summary>execve(2). Returns only by throwing: the exec failed and this image goes on.</summary>
    public static void Exec(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment)
    {
        var strings = new List<IntPtr>();
        try
        {
            Libc.Execve(Utf8(path, strings), NullTerminated(arguments, strings), NullTerminated(environment, strings));
            throw PosixException.FromLastError($"exec {path}");
        }
        finally
        {
            foreach (var s in strings)
                NativeMemory.Free((void*)s);
        }
    }

    /// <summary>
    /// execveat(fd, "", argv, envp, AT_EMPTY_PATH): runs the file open at <paramref name="imageFd"/>, even once its
    /// path names another file or none (a package manager renamed a new one over it). Returns only by throwing.
    /// </summary>
    public static void ExecImage(int imageFd, IReadOnlyList<string> arguments, IReadOnlyList<string> environment)
    {
        var strings = new List<IntPtr>();
        try
        {
            Libc.Execveat(imageFd, Utf8("", strings), NullTerminated(arguments, strings), NullTerminated(environment, strings), Libc.AT_EMPTY_PATH);
            throw PosixException.FromLastError($"execveat({imageFd}, AT_EMPTY_PATH)");
        }
        finally
        {
            foreach (var s in strings)
                NativeMemory.Free((void*)s);
        }
    }

    /// <summary>
    /// An O_PATH, close-on-exec fd to the file this process runs (/proc/self/exe), for <see cref="ExecImage"/>. O_PATH
    /// rather than O_RDONLY: it needs no read permission (an execute-only binary) and still executes.
    /// </summary>
    public static int OpenRunningImage() => OpenImage("/proc/self/exe");

    /// <summary>An O_PATH, close-on-exec fd to <paramref name="path"/> (a symlink is followed), for <see cref="ExecImage"/>.</summary>
    public static int OpenImage(string path)
    {
        int fd = Libc.Open(path, Libc.O_PATH | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw PosixException.FromLastError($"open({path}, O_PATH)");
        return fd;
    }

    /// <summary>
    /// True when both paths (symlinks followed) name one file, by device and inode: how a path resolved at start is
    /// checked to be the program this process runs (/proc/self/exe), whatever links led to it.
    /// </summary>
    public static bool IsSameFile(string path, string other) =>
        FileKey(path) is { } key && key == FileKey(other);

    private static (uint Major, uint Minor, ulong Inode)? FileKey(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (Libc.Statx(Libc.AT_FDCWD, path, 0, Libc.STATX_BASIC_STATS, buffer) < 0)
            return null;
        // struct statx: u64 stx_ino at offset 32, u32 stx_dev_major and stx_dev_minor at 136 and 140.
        return (*(uint*)(buffer + 136), *(uint*)(buffer + 140), *(ulong*)(buffer + 32));
    }
}
