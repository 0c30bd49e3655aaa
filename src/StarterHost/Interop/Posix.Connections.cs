using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// Accepting and answering on non-blocking stream sockets (they are read with <see cref="ReadAvailable"/>). Each call says "nothing now" (EAGAIN) with -1 and throws for
/// anything else, naming the fd; a peer that reset the connection is such a throw, and its connection is closed.
/// </summary>
internal static unsafe partial class Posix
{
    /// <summary>
    /// accept4(2) of one waiting connection, non-blocking and close-on-exec (a worker spawned meanwhile must not
    /// inherit it); -1 when none is waiting. A connection aborted before it was taken is skipped, as if never there.
    /// </summary>
    public static int AcceptNonBlocking(int listenFd)
    {
        while (true)
        {
            int fd = Libc.Accept4(listenFd, null, null, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            if (fd >= 0)
                return fd;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EWOULDBLOCK)
                return -1;
            if (errno is not (Libc.EINTR or Libc.ECONNABORTED))
                throw new PosixException($"accept4({listenFd})", errno);
        }
    }

    /// <summary>
    /// send(2) of as much as the socket takes now: the bytes sent, -1 when its buffer is full. MSG_NOSIGNAL: a peer
    /// gone is an EPIPE here, never a SIGPIPE for the whole process.
    /// </summary>
    public static int SendAvailable(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            while (true)
            {
                nint n = Libc.Send(fd, p, data.Length, Libc.MSG_NOSIGNAL);
                if (n >= 0)
                    return (int)n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EWOULDBLOCK)
                    return -1;
                if (errno != Libc.EINTR)
                    throw new PosixException($"send({fd})", errno);
            }
        }
    }
}
