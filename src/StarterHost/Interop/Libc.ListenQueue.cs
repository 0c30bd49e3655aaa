namespace StarterHost.Interop;

/// <summary>
/// How full a listening socket's accept queue is: TCP_INFO for TCP, sock_diag(7) netlink for unix stream sockets.
/// The kernel's layouts are given where they are read (Posix.ListenQueue.cs).
/// </summary>
internal static unsafe partial class Libc
{
    internal const int SO_DOMAIN = 39;
    internal const int IPPROTO_TCP = 6;
    internal const int TCP_INFO = 11;

    /// <summary>The kernel's TCP_LISTEN state, which unix sockets share.</summary>
    internal const byte TCP_LISTEN = 10;

    internal const int AF_NETLINK = 16;
    internal const int SOCK_RAW = 3;
    internal const int NETLINK_SOCK_DIAG = 4;
    internal const ushort SOCK_DIAG_BY_FAMILY = 20;
    internal const ushort NLM_F_REQUEST = 1;
    internal const ushort NLMSG_ERROR = 2;
    internal const uint UDIAG_SHOW_RQLEN = 0x10;
    internal const ushort UNIX_DIAG_RQLEN = 4;
}
