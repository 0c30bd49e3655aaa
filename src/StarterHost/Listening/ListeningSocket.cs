using System.Net;
using StarterHost.Interop;

namespace StarterHost.Listening;

/// <summary>A socket StarterHost holds for its workers, as the bare fd it is (see Interop/Libc.Sockets.cs).</summary>
internal sealed class ListeningSocket(int fd) : IDisposable
{
    private int _fd = fd;

    public int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(ListeningSocket));

    /// <summary>What it is bound to (getsockname), or null when unbound.</summary>
    public EndPoint? LocalEndPoint => Posix.LocalEndPoint(Fd);

    /// <summary>SO_TYPE: a datagram socket (UDP) or not.</summary>
    public bool IsDatagram => Posix.GetSocketOption(Fd, Libc.SOL_SOCKET, Libc.SO_TYPE) == Libc.SOCK_DGRAM;

    public void Dispose()
    {
        if (_fd < 0)
            return;
        Posix.Close(_fd);
        _fd = -1;
    }
}
