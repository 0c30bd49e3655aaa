using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>An epoll set (see Libc.Epoll.cs): level-triggered, so a descriptor left ready is reported again.</summary>
internal static unsafe partial class Posix
{
    public static int CreateEpoll()
    {
        int fd = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (fd < 0)
            throw PosixException.FromLastError("epoll_create1");
        return fd;
    }

    /// <summary>Adds <paramref name="fd"/> to the set, or changes what it waits for when it is there already.</summary>
    public static void EpollWatch(int epollFd, int fd, bool readable, bool writable, bool added)
    {
        byte* evt = stackalloc byte[16];
        new Span<byte>(evt, 16).Clear();
        *(uint*)evt = (readable ? Libc.EPOLLIN : 0) | (writable ? Libc.EPOLLOUT : 0);
        *(int*)(evt + Libc.EpollDataOffset) = fd;
        if (Libc.EpollCtl(epollFd, added ? Libc.EPOLL_CTL_MOD : Libc.EPOLL_CTL_ADD, fd, evt) < 0)
            throw PosixException.FromLastError($"epoll_ctl({fd})");
    }

    /// <summary>Takes <paramref name="fd"/> out of the set; one already closed has left it by itself.</summary>
    public static void EpollForget(int epollFd, int fd) => Libc.EpollCtl(epollFd, Libc.EPOLL_CTL_DEL, fd, null);

    /// <summary>
    /// epoll_wait(2) without waiting: up to <paramref name="ready"/>'s length of the descriptors that are ready now, each
    /// with whether it can be read (or has hung up, or failed: a read says which) and written. The count filled in.
    /// </summary>
    public static int EpollReady(int epollFd, Span<(int Fd, bool Readable, bool Writable)> ready)
    {
        int size = Libc.EpollEventSize;
        byte* events = stackalloc byte[size * ready.Length];
        int n;
        while ((n = Libc.EpollWait(epollFd, events, ready.Length, 0)) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR)
                throw new PosixException($"epoll_wait({epollFd})", errno);
        }
        for (int i = 0; i < n; i++)
        {
            byte* evt = events + i * size;
            uint flags = *(uint*)evt;
            bool failed = (flags & (Libc.EPOLLERR | Libc.EPOLLHUP)) != 0;
            ready[i] = (*(int*)(evt + Libc.EpollDataOffset), failed || (flags & Libc.EPOLLIN) != 0, failed || (flags & Libc.EPOLLOUT) != 0);
        }
        return n;
    }
}
