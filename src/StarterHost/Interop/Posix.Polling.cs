using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>The event loop's sleep: poll(2), and the eventfd another thread bumps to end it.</summary>
internal static unsafe partial class Posix
{
    /// <summary>A non-blocking, close-on-exec eventfd: a counter other threads bump to wake a poll.</summary>
    public static int CreateEventFd()
    {
        int fd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
            throw PosixException.FromLastError("eventfd");
        return fd;
    }

    public static void SignalEventFd(int fd)
    {
        ulong one = 1;
        // EAGAIN (the counter is full) still leaves it readable, which is all a wake needs.
        Libc.Write(fd, (byte*)&one, sizeof(ulong));
    }

    public static void DrainEventFd(int fd)
    {
        ulong value;
        Libc.Read(fd, (byte*)&value, sizeof(ulong));
    }

    /// <summary>
    /// poll(2) for input on <paramref name="fds"/>, for at most <paramref name="timeoutMs"/> (-1: no limit);
    /// returns which are readable (or hung up). EINTR returns no fd: the caller looks at its queues anyway.
    /// </summary>
    public static bool[] WaitReadable(IReadOnlyList<int> fds, int timeoutMs)
    {
        var polled = new Libc.PollFd[fds.Count];
        for (int i = 0; i < fds.Count; i++)
            polled[i] = new Libc.PollFd { Fd = fds[i], Events = Libc.POLLIN };
        var readable = new bool[fds.Count];
        fixed (Libc.PollFd* p = polled)
        {
            if (Libc.Poll(p, (nuint)polled.Length, timeoutMs) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                    return readable;
                throw new PosixException("poll", errno);
            }
        }
        for (int i = 0; i < polled.Length; i++)
            readable[i] = polled[i].Revents != 0;
        return readable;
    }
}
