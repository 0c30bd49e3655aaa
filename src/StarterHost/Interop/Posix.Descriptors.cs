using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// File descriptors: duplicating, closing, close-on-exec, pipes, and reading or writing them whole or without blocking;
/// and which of them an exec passes on. .NET opens everything close-on-exec, but a descriptor inherited from whoever
/// started us may not be: before an exec in place, exactly the ones named must lose FD_CLOEXEC and every other one must
/// have it, or each upgrade would hand the next image one more descriptor.
/// </summary>
internal static unsafe partial class Posix
{
    public static void Dup2(int oldFd, int newFd)
    {
        if (Libc.Dup2(oldFd, newFd) < 0)
            throw PosixException.FromLastError($"dup2({oldFd}, {newFd})");
    }

    public static void Close(int fd) => Libc.Close(fd);

    /// <summary>Sets FD_CLOEXEC, which every descriptor .NET opens has and an inherited one may lack.</summary>
    public static void SetCloseOnExec(int fd)
    {
        if (Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC) < 0)
            throw PosixException.FromLastError($"fcntl({fd}, F_SETFD, FD_CLOEXEC)");
    }

    /// <summary>A close-on-exec pipe: (read end, write end).</summary>
    public static (int Read, int Write) OpenPipe()
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) < 0)
            throw PosixException.FromLastError("pipe2");
        return (fds[0], fds[1]);
    }

    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nint done = 0;
            while (done < data.Length)
            {
                nint n = Libc.Write(fd, p + done, data.Length - done);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR)
                        continue;
                    throw new PosixException($"write({fd})", errno);
                }
                done += n;
            }
        }
    }

    /// <summary>Reads until end of file.</summary>
    public static byte[] ReadToEnd(int fd)
    {
        var result = new List<byte>();
        byte* buffer = stackalloc byte[4096];
        while (true)
        {
            nint n = Libc.Read(fd, buffer, 4096);
            if (n == 0)
                return result.ToArray();
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                    continue;
                throw new PosixException($"read({fd})", errno);
            }
            result.AddRange(new ReadOnlySpan<byte>(buffer, (int)n));
        }
    }

    /// <summary>O_NONBLOCK on our end only: the child's end stays blocking, as a program writing its output expects.</summary>
    public static void SetNonBlocking(int fd)
    {
        int flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.Fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0)
            throw PosixException.FromLastError($"fcntl({fd}, F_SETFL, O_NONBLOCK)");
    }

    /// <summary>One read(2): the bytes read, 0 at end of file (or an empty datagram), -1 when nothing is there yet (a non-blocking descriptor).</summary>
    public static int ReadAvailable(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = Libc.Read(fd, p, buffer.Length);
                if (n >= 0)
                    return (int)n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EWOULDBLOCK)
                    return -1;
                if (errno != Libc.EINTR)
                    throw new PosixException($"read({fd})", errno);
            }
        }
    }

    /// <summary>Every descriptor this process holds now, from /proc/self/fd (the listing's own, closed by then, left out).</summary>
    public static IReadOnlyList<int> OpenDescriptors()
    {
        var fds = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(entry => int.Parse(Path.GetFileName(entry), System.Globalization.CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        return fds.Where(IsOpen).ToList();
    }

    /// <summary>What /proc/self/fd/N points to ("/memfd:NAME (deleted)", "pipe:[123]", a path), or "closed".</summary>
    public static string DescriptorTarget(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? "not a link";
        }
        catch (IOException)
        {
            return "closed";
        }
    }

    public static bool IsOpen(int fd) => Libc.Fcntl(fd, Libc.F_GETFD, 0) >= 0;

    public static bool IsCloseOnExec(int fd)
    {
        int flags = Libc.Fcntl(fd, Libc.F_GETFD, 0);
        if (flags < 0)
            throw PosixException.FromLastError($"fcntl({fd}, F_GETFD)");
        return (flags & Libc.FD_CLOEXEC) != 0;
    }

    /// <summary>Clears FD_CLOEXEC (the fd survives an exec) or sets it (it is closed by one).</summary>
    public static void SetInheritable(int fd, bool inheritable)
    {
        if (Libc.Fcntl(fd, Libc.F_SETFD, inheritable ? 0 : Libc.FD_CLOEXEC) < 0)
            throw PosixException.FromLastError($"fcntl({fd}, F_SETFD)");
    }

    /// <summary>
    /// Makes <paramref name="kept"/> (each must be open) survive the next exec and every other descriptor above 2 close
    /// with it. The standard streams are left as they are: they are the process's own, as they were at its start.
    /// </summary>
    public static void InheritOnly(IReadOnlyCollection<int> kept)
    {
        foreach (int fd in kept)
            SetInheritable(fd, inheritable: true);
        foreach (int fd in OpenDescriptors())
        {
            if (fd > 2 && !kept.Contains(fd) && Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC) < 0
                && Marshal.GetLastPInvokeError() != Libc.EBADF) // closed meanwhile by another thread: nothing to pass on
                throw PosixException.FromLastError($"fcntl({fd}, F_SETFD, FD_CLOEXEC)");
        }
    }
}
