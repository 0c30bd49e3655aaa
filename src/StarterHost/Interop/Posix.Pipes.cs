using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Reading a child's output (and a worker's notify datagrams) from the event loop without ever blocking it.</summary>
internal static unsafe partial class Posix
{
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
}
