using System.Net;
using System.Net.Sockets;

namespace StarterHost.Worker;

/// <summary>One listening socket handed down by the superdaemon: one <c>key=fd</c> pair of <c>SERVER_STARTER_PORT</c>.</summary>
/// <param name="Key">The key exactly as the superdaemon wrote it (<c>8080</c>, <c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, a path).</param>
/// <param name="Kind">Whether the key names an IPv4/host address, an IPv6 address or a unix socket.</param>
/// <param name="Host">The host part without brackets; null for a bare port (every IPv4 address) and for a unix socket.</param>
/// <param name="Port">The port number; 0 for a unix socket.</param>
/// <param name="Path">The unix socket path; null for an inet socket.</param>
/// <param name="Fd">The file descriptor this process inherited the socket at.</param>
public sealed record ServerStarterPort(string Key, ServerStarterPortKind Kind, string? Host, int Port, string? Path, int Fd)
{
    /// <summary>
    /// The address the key names, when it can be known without a DNS lookup: an <see cref="IPEndPoint"/>
    /// (a bare port means <c>0.0.0.0</c>, as start_server binds it), a <see cref="UnixDomainSocketEndPoint"/>,
    /// or null for a host name. The socket's real address is <see cref="InheritedListener.LocalEndPoint(int)"/>.
    /// </summary>
    public EndPoint? EndPoint => Kind switch
    {
        ServerStarterPortKind.Unix => new UnixDomainSocketEndPoint(Path!),
        _ when Host is null => new IPEndPoint(IPAddress.Any, Port),
        _ => IPAddress.TryParse(Host, out var ip) ? new IPEndPoint(ip, Port) : null,
    };

    /// <summary>Adopts the inherited descriptor as a <see cref="Socket"/>; see <see cref="InheritedListener.Adopt(int)"/>.</summary>
    public Socket Adopt() => InheritedListener.Adopt(Fd);

    /// <inheritdoc />
    public override string ToString() => $"{Key}={Fd}";
}
