using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// Sockets by hand. System.Net.Sockets.Socket starts the runtime's socket engine (an epoll thread) the
/// moment one is created; the superdaemon only binds, listens and hands fds down, so it never needs it.
/// </summary>
internal static unsafe partial class Libc
{
    internal const int AF_INET = 2;
    internal const int AF_INET6 = 10;
    internal const int SOCK_STREAM = 1;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_NONBLOCK = 0x800;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1;
    internal const int SO_REUSEADDR = 2;
    internal const int SO_TYPE = 3;
    internal const int IPPROTO_IPV6 = 41;
    internal const int IPV6_V6ONLY = 26;

    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Lib, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

    [LibraryImport(Lib, EntryPoint = "getsockopt", SetLastError = true)]
    internal static partial int GetSockOpt(int fd, int level, int name, int* value, uint* length);

    [LibraryImport(Lib, EntryPoint = "listen", SetLastError = true)]
    internal static partial int Listen(int fd, int backlog);

    [LibraryImport(Lib, EntryPoint = "getsockname", SetLastError = true)]
    internal static partial int GetSockName(int fd, byte* address, uint* length);

    [LibraryImport(Lib, EntryPoint = "connect", SetLastError = true)]
    internal static partial int Connect(int fd, byte* address, int length);

    [LibraryImport(Lib, EntryPoint = "sendto", SetLastError = true)]
    internal static partial nint SendTo(int fd, byte* buffer, nint length, int flags, byte* address, int addressLength);

    internal const int SO_PASSCRED = 16;
    internal const int SCM_CREDENTIALS = 2;
    internal const int MSG_TRUNC = 0x20;
    internal const int MSG_CMSG_CLOEXEC = 0x40000000;

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec
    {
        public byte* Base;
        public nint Length;
    }

    /// <summary>struct msghdr (LP64: the socklen_t is padded to 8 bytes, the lengths are size_t).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MsgHdr
    {
        public void* Name;
        public int NameLength;
        public IoVec* Iov;
        public nint IovLength;
        public byte* Control;
        public nint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr's size (size_t cmsg_len, int cmsg_level, int cmsg_type); the data follows, 8-aligned.</summary>
    internal const int CmsgHeaderSize = 16;

    /// <summary>CMSG_SPACE(sizeof(struct ucred)): one SCM_CREDENTIALS message (pid, uid, gid).</summary>
    internal const int CredentialsSpace = CmsgHeaderSize + 16;

    [LibraryImport(Lib, EntryPoint = "recvmsg", SetLastError = true)]
    internal static partial nint RecvMsg(int fd, MsgHdr* message, int flags);

    internal const ushort AF_UNIX = 1;

    /// <summary>sizeof(sockaddr_un.sun_path): the path and its terminating NUL.</summary>
    internal const int SunPathSize = 108;

    [LibraryImport(Lib, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(int fd, byte* address, int length);
}
