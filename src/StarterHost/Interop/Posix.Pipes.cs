using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Reading a child's output and a worker's notify datagrams from the event loop without ever blocking it.</summary>
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

    /// <summary>
    /// One datagram with recvmsg(2), and who sent it: the pid of its SCM_CREDENTIALS (which the kernel attaches
    /// and vouches for on a socket with SO_PASSCRED), 0 when there is none. The bytes read, or -1 when nothing
    /// is waiting. The control buffer has room for the credentials alone: descriptors a sender passes with
    /// SCM_RIGHTS do not fit, and the kernel closes them instead of installing them here.
    /// </summary>
    public static int ReceiveFrom(int fd, Span<byte> buffer, out int senderPid)
    {
        byte* control = stackalloc byte[Libc.CredentialsSpace];
        fixed (byte* p = buffer)
        {
            var vector = new Libc.IoVec { Base = p, Length = buffer.Length };
            while (true)
            {
                var message = new Libc.MsgHdr { Iov = &vector, IovLength = 1, Control = control, ControlLength = Libc.CredentialsSpace };
                nint n = Libc.RecvMsg(fd, &message, Libc.MSG_CMSG_CLOEXEC);
                if (n >= 0)
                {
                    senderPid = SenderOf(&message);
                    return (int)n;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EWOULDBLOCK)
                {
                    senderPid = 0;
                    return -1;
                }
                if (errno != Libc.EINTR)
                    throw new PosixException($"recvmsg({fd})", errno);
            }
        }
    }

    /// <summary>struct cmsghdr { size_t len; int level; int type; } then struct ucred { pid_t pid; uid_t uid; gid_t gid; }.</summary>
    private static int SenderOf(Libc.MsgHdr* message)
    {
        if (message->ControlLength < Libc.CmsgHeaderSize + 12)
            return 0;
        byte* header = message->Control;
        return *(int*)(header + 8) == Libc.SOL_SOCKET && *(int*)(header + 12) == Libc.SCM_CREDENTIALS ? *(int*)(header + Libc.CmsgHeaderSize) : 0;
    }
}
