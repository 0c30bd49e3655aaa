namespace StarterHost.Worker;

/// <summary>
/// How a <c>SERVER_STARTER_PORT</c> key names its socket. The key says nothing about the protocol: a UDP
/// port is named exactly like a TCP one, so ask the adopted socket (<see cref="System.Net.Sockets.Socket.SocketType"/>).
/// </summary>
public enum ServerStarterPortKind
{
    /// <summary>An IPv4 or host-name address: <c>8080</c> (every IPv4 address) or <c>127.0.0.1:8080</c>.</summary>
    Inet,

    /// <summary>An IPv6 address in brackets: <c>[::1]:8080</c>.</summary>
    Inet6,

    /// <summary>A unix socket, named by its path: <c>/run/app.sock</c>.</summary>
    Unix,
}
