using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace StarterHost.Interop;

/// <summary>
/// Listening and notify sockets as bare fds (see Libc.Sockets.cs for why not System.Net.Sockets.Socket).
/// Addresses go through the runtime's own sockaddr encoding (EndPoint.Serialize), which on Linux is the
/// kernel's layout. Errors carry the kernel's own errno: ENOENT for a unix socket in a missing directory,
/// not Socket's "Cannot assign requested address".
/// </summary>
internal static unsafe partial class Posix
{
    /// <summary>A close-on-exec socket of that family; a stream one unless <paramref name="datagram"/>.</summary>
    public static int OpenSocket(AddressFamily family, bool datagram, bool nonBlocking = false)
    {
        int domain = family switch
        {
            AddressFamily.InterNetwork => Libc.AF_INET,
            AddressFamily.InterNetworkV6 => Libc.AF_INET6,
            AddressFamily.Unix => Libc.AF_UNIX,
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "no such socket family here"),
        };
        int type = (datagram ? Libc.SOCK_DGRAM : Libc.SOCK_STREAM) | Libc.SOCK_CLOEXEC | (nonBlocking ? Libc.SOCK_NONBLOCK : 0);
        int fd = Libc.Socket(domain, type, 0);
        if (fd < 0)
            throw PosixException.FromLastError($"socket({family})");
        return fd;
    }

    public static void SetSocketOption(int fd, int level, int name, int value)
    {
        if (Libc.SetSockOpt(fd, level, name, &value, sizeof(int)) < 0)
            throw PosixException.FromLastError($"setsockopt({fd}, {level}, {name})");
    }

    public static int GetSocketOption(int fd, int level, int name)
    {
        int value = 0;
        uint length = sizeof(int);
        if (Libc.GetSockOpt(fd, level, name, &value, &length) < 0)
            throw PosixException.FromLastError($"getsockopt({fd}, {level}, {name})");
        return value;
    }

    public static void Bind(int fd, IPEndPoint endpoint)
    {
        var address = endpoint.Serialize();
        fixed (byte* p = address.Buffer.Span)
        {
            if (Libc.Bind(fd, p, address.Size) < 0)
            {
                // Read before naming the endpoint: formatting an address can call into native code itself.
                int errno = Marshal.GetLastPInvokeError();
                throw new PosixException($"bind({endpoint})", errno);
            }
        }
    }

    /// <summary>bind(2) of a unix socket to a path.</summary>
    public static void BindUnix(int fd, string path)
    {
        byte* address = stackalloc byte[2 + Libc.SunPathSize];
        int length = UnixAddress("bind", path, address);
        if (Libc.Bind(fd, address, length) < 0)
            throw PosixException.FromLastError($"bind({path})");
    }

    /// <summary>connect(2) to a unix socket's path: false when nobody listens there.</summary>
    public static bool TryConnectUnix(int fd, string path)
    {
        byte* address = stackalloc byte[2 + Libc.SunPathSize];
        return Libc.Connect(fd, address, UnixAddress("connect", path, address)) == 0;
    }

    /// <summary>One datagram to a unix socket's path, or to an abstract one named with a leading "@".</summary>
    public static void SendToUnix(int fd, string path, ReadOnlySpan<byte> datagram)
    {
        byte* address = stackalloc byte[2 + Libc.SunPathSize];
        int length;
        if (path.StartsWith('@'))
        {
            // Abstract: a NUL where the path would begin, and the name's length exactly, no terminator.
            length = UnixAddress("sendto", "\0" + path[1..], address) - 1;
        }
        else
        {
            length = UnixAddress("sendto", path, address);
        }
        fixed (byte* p = datagram)
        {
            if (Libc.SendTo(fd, p, datagram.Length, 0, address, length) < 0)
                throw PosixException.FromLastError($"sendto({path})");
        }
    }

    /// <summary>A sockaddr_un for <paramref name="path"/>; <paramref name="call"/> names the failure when it does not fit.</summary>
    private static int UnixAddress(string call, string path, byte* address)
    {
        new Span<byte>(address, 2 + Libc.SunPathSize).Clear();
        *(ushort*)address = Libc.AF_UNIX;
        var sunPath = new Span<byte>(address + 2, Libc.SunPathSize - 1); // keeps the NUL
        if (Encoding.UTF8.GetByteCount(path) > sunPath.Length)
            throw new PosixException($"{call}({path.Replace('\0', '@')})", Libc.ENAMETOOLONG); // an abstract name as NOTIFY_SOCKET spells it
        return 2 + Encoding.UTF8.GetBytes(path, sunPath) + 1;
    }

    public static void Listen(int fd, int backlog)
    {
        if (Libc.Listen(fd, backlog) < 0)
            throw PosixException.FromLastError($"listen({fd})");
    }

    /// <summary>getsockname(2): what the socket is bound to, or null when it is not bound (or not of a family known here).</summary>
    public static EndPoint? LocalEndPoint(int fd)
    {
        byte* buffer = stackalloc byte[128];
        uint length = 128;
        if (Libc.GetSockName(fd, buffer, &length) < 0)
            throw PosixException.FromLastError($"getsockname({fd})");
        ushort family = *(ushort*)buffer;
        if (family == Libc.AF_UNIX)
        {
            // sun_path up to its NUL (or the length given); an unbound socket has none.
            var path = new ReadOnlySpan<byte>(buffer + 2, Math.Max(0, (int)length - 2));
            int end = path.IndexOf((byte)0);
            return (end < 0 ? path : path[..end]) is { Length: > 0 } name ? new UnixDomainSocketEndPoint(Encoding.UTF8.GetString(name)) : null;
        }
        if (family is not (Libc.AF_INET or Libc.AF_INET6))
            return null;
        var address = new SocketAddress(family == Libc.AF_INET ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6, (int)length);
        new ReadOnlySpan<byte>(buffer, (int)length).CopyTo(address.Buffer.Span);
        return new IPEndPoint(IPAddress.Any, 0).Create(address);
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
