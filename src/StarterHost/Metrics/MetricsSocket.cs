using System.Net;
using System.Net.Sockets;
using StarterHost.Interop;
using StarterHost.Listening;

namespace StarterHost.Metrics;

/// <summary>
/// The metrics endpoint's listening socket: bound at start like the workers' listeners, but close-on-exec and never in
/// the descriptors a worker gets, and non-blocking, since the event loop accepts on it. A unix socket's file is removed
/// at the end, if it is still the one created here.
/// </summary>
internal sealed class MetricsSocket : IDisposable
{
    /// <summary>Waiting connections the kernel keeps for us; beyond <see cref="ScrapeLimits.MaxConnections"/> they are refused anyway.</summary>
    private const int Backlog = 64;

    private readonly ListeningSocket _socket;
    private readonly (string Path, ulong Inode)? _created;

    private MetricsSocket(ListeningSocket socket, (string, ulong)? created)
    {
        _socket = socket;
        _created = created;
    }

    public int Fd => _socket.Fd;

    /// <summary>What it is bound to: the port the kernel chose, for port 0.</summary>
    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>What an upgrade in place hands over: the descriptor, and the socket file it made.</summary>
    public Upgrade.CarriedMetricsSocket Carried =>
        _created is var (path, inode) ? new(_socket.Fd, path, inode) : new(_socket.Fd);

    /// <summary>
    /// In the image an upgrade started: the socket the old image bound, still listening, so that a scrape during the
    /// exec waits in its backlog instead of being refused.
    /// </summary>
    public static MetricsSocket Adopt(Upgrade.CarriedMetricsSocket carried)
    {
        if (!Posix.IsOpen(carried.Fd))
            throw new StartupException($"the upgrade handed over the metrics socket as fd {carried.Fd}, which is not open");
        return new MetricsSocket(new ListeningSocket(carried.Fd), carried.CreatedFile is { } file ? (file, carried.CreatedInode) : null);
    }

    /// <exception cref="StartupException">One line naming the address and the kernel's reason.</exception>
    public static MetricsSocket Bind(MetricsAddress address)
    {
        try
        {
            return address.Path is { } path ? BindUnix(path) : BindInet(address);
        }
        catch (Exception e) when (e is PosixException or SocketException or IOException or UnauthorizedAccessException)
        {
            string reason = e is PosixException posix ? posix.Reason : e.Message;
            throw new StartupException($"failed to bind the metrics endpoint to {address.Display}: {reason}");
        }
    }

    private static MetricsSocket BindInet(MetricsAddress address)
    {
        var ip = IPAddress.TryParse(address.Host, out var literal) ? literal
            : Dns.GetHostAddresses(address.Host!).FirstOrDefault() ?? throw new SocketException((int)SocketError.HostNotFound);
        var socket = new ListeningSocket(Posix.OpenSocket(ip.AddressFamily, datagram: false, nonBlocking: true));
        try
        {
            Posix.SetSocketOption(socket.Fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1);
            if (ip.AddressFamily == AddressFamily.InterNetworkV6)
                Posix.SetSocketOption(socket.Fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 1);
            Posix.Bind(socket.Fd, new IPEndPoint(ip, address.Port));
            Posix.Listen(socket.Fd, Backlog);
            return new MetricsSocket(socket, null);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static MetricsSocket BindUnix(string path)
    {
        // A socket file nobody listens on is what an earlier StarterHost killed left: take its place. One somebody
        // listens on is another live process's, and is left alone (bind fails with EADDRINUSE).
        if (Posix.TryGetFileStatus(path) is { IsSocket: true })
        {
            using var probe = new ListeningSocket(Posix.OpenSocket(AddressFamily.Unix, datagram: false));
            if (!Posix.TryConnectUnix(probe.Fd, path))
                File.Delete(path);
        }
        var socket = new ListeningSocket(Posix.OpenSocket(AddressFamily.Unix, datagram: false, nonBlocking: true));
        try
        {
            Posix.BindUnix(socket.Fd, path);
            var created = Posix.TryGetFileStatus(path) is { } status ? (path, status.Inode) : ((string, ulong)?)null;
            Posix.Listen(socket.Fd, Backlog);
            return new MetricsSocket(socket, created);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        // Only the file created here: a successor may already have bound the same path.
        if (_created is var (path, inode) && Posix.TryGetFileStatus(path) is { IsSocket: true } now && now.Inode == inode)
            File.Delete(path);
    }
}
