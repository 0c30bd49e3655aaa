using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StarterHost.Interop;

/// <summary>
/// Connections waiting in a listener's accept queue, and how many it may hold: what <c>ss -l</c> shows as Recv-Q and
/// Send-Q, read as ss reads them, without privileges. Null for a socket that is not listening (or a datagram socket).
/// </summary>
internal static unsafe partial class Posix
{
    /// <summary>The socket's address family (SO_DOMAIN): AF_INET, AF_INET6 or AF_UNIX.</summary>
    public static int SocketDomain(int fd) => GetSocketOption(fd, Libc.SOL_SOCKET, Libc.SO_DOMAIN);

    /// <summary>
    /// getsockopt(TCP_INFO). For a listener (tcpi_state TCP_LISTEN), the kernel's tcp_get_info() reports the accept
    /// queue's length (sk_ack_backlog) as tcpi_unacked and its limit (sk_max_ack_backlog: listen's backlog, capped by
    /// net.core.somaxconn) as tcpi_sacked. struct tcp_info: u8 tcpi_state at 0, eight u8 fields then u32 tcpi_rto,
    /// tcpi_ato, tcpi_snd_mss, tcpi_rcv_mss, so u32 tcpi_unacked at 24 and u32 tcpi_sacked at 28, on every architecture.
    /// </summary>
    public static (uint Length, uint Backlog)? TcpListenQueue(int fd)
    {
        const int Needed = 32;
        byte* info = stackalloc byte[Needed];
        uint length = Needed;
        if (Libc.GetSockOpt(fd, Libc.IPPROTO_TCP, Libc.TCP_INFO, (int*)info, &length) < 0)
            throw PosixException.FromLastError($"getsockopt({fd}, TCP_INFO)");
        if (length < Needed || info[0] != Libc.TCP_LISTEN)
            return null;
        return (*(uint*)(info + 24), *(uint*)(info + 28));
    }

    /// <summary>
    /// A unix stream listener's queue, asked of the kernel's sock_diag netlink interface by the socket's inode, as
    /// <c>ss -lx</c> does: UNIX_DIAG_RQLEN gives a listener's pending connections (udiag_rqueue) and its backlog
    /// (udiag_wqueue). ioctl(SIOCINQ) would be simpler, but the kernel refuses it on a listener (EINVAL). Needs the
    /// kernel's unix_diag (CONFIG_UNIX_DIAG, loaded on first use); without it this throws ENOENT.
    /// </summary>
    public static (uint Length, uint Backlog)? UnixListenQueue(int fd)
    {
        ulong inode = GetFileStatus(new SafeFileHandle(fd, ownsHandle: false), $"socket {fd}").Inode;
        int netlink = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, Libc.NETLINK_SOCK_DIAG);
        if (netlink < 0)
            throw PosixException.FromLastError("socket(AF_NETLINK, NETLINK_SOCK_DIAG)");
        try
        {
            // struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; } then struct unix_diag_req
            // { u8 family; u8 protocol; u16 pad; u32 states; u32 ino; u32 show; u32 cookie[2]; }: one socket, by inode,
            // with any cookie (~0 is INET_DIAG_NOCOOKIE). Sent to the kernel (no address: netlink's default peer).
            byte* request = stackalloc byte[40];
            new Span<byte>(request, 40).Clear();
            *(uint*)request = 40;
            *(ushort*)(request + 4) = Libc.SOCK_DIAG_BY_FAMILY;
            *(ushort*)(request + 6) = Libc.NLM_F_REQUEST;
            request[16] = (byte)Libc.AF_UNIX;
            *(uint*)(request + 20) = uint.MaxValue;
            *(uint*)(request + 24) = (uint)inode;
            *(uint*)(request + 28) = Libc.UDIAG_SHOW_RQLEN;
            *(ulong*)(request + 32) = ulong.MaxValue;
            if (Libc.Send(netlink, request, 40, 0) < 0)
                throw PosixException.FromLastError($"sock_diag(unix inode {inode})");
            // The kernel answers a single-socket request while sending it, so the reply is there already.
            byte* reply = stackalloc byte[256];
            nint n = Libc.Read(netlink, reply, 256);
            if (n < 0)
                throw PosixException.FromLastError($"sock_diag(unix inode {inode})");
            return ParseUnixDiag(new ReadOnlySpan<byte>(reply, (int)n), inode);
        }
        finally
        {
            Libc.Close(netlink);
        }
    }

    /// <summary>
    /// The reply: an NLMSG_ERROR (an int errno, negated, after the header) or a struct unix_diag_msg { u8 family; u8 type;
    /// u8 state; u8 pad; u32 ino; u32 cookie[2]; } followed by attributes (u16 len, u16 type, data padded to 4 bytes), of
    /// which UNIX_DIAG_RQLEN is { u32 rqueue; u32 wqueue; }.
    /// </summary>
    private static (uint Length, uint Backlog)? ParseUnixDiag(ReadOnlySpan<byte> reply, ulong inode)
    {
        if (reply.Length < 16)
            throw new PosixException($"sock_diag(unix inode {inode}): a reply of {reply.Length} bytes", Libc.EINVAL);
        ushort type = MemoryMarshal.Read<ushort>(reply[4..]);
        if (type == Libc.NLMSG_ERROR)
            throw new PosixException($"sock_diag(unix inode {inode})", reply.Length >= 20 ? -MemoryMarshal.Read<int>(reply[16..]) : Libc.EINVAL);
        int end = Math.Min(reply.Length, (int)MemoryMarshal.Read<uint>(reply));
        if (type != Libc.SOCK_DIAG_BY_FAMILY || end < 32 || reply[18] != Libc.TCP_LISTEN)
            return null;
        for (int at = 32; at + 4 <= end;)
        {
            int length = MemoryMarshal.Read<ushort>(reply[at..]);
            if (length < 4 || at + length > end)
                break;
            if (MemoryMarshal.Read<ushort>(reply[(at + 2)..]) == Libc.UNIX_DIAG_RQLEN && length >= 12)
                return (MemoryMarshal.Read<uint>(reply[(at + 4)..]), MemoryMarshal.Read<uint>(reply[(at + 8)..]));
            at += (length + 3) & ~3;
        }
        return null;
    }
}
