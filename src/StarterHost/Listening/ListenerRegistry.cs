using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StarterHost.Configuration;
using StarterHost.Interop;
using StarterHost.Logging;
using StarterHost.Systemd;

namespace StarterHost.Listening;

/// <summary>
/// Owns the listening sockets for the life of the superdaemon: binds them once (or adopts those socket
/// activation passed), tells workers where to find them (SERVER_STARTER_PORT and the descriptor map),
/// and removes the unix socket files it created at exit.
/// </summary>
internal sealed class ListenerRegistry(ILogger<ListenerRegistry> logger, SystemdEnvironment systemd) : IDisposable
{
    private readonly List<(ListenAddress Address, ListeningSocket Socket, int ChildFd)> _bound = [];
    private readonly Dictionary<string, ulong> _createdSocketFiles = [];

    /// <summary>SERVER_STARTER_PORT: "key=fd" joined by ';', ports in order then paths; empty when nothing is bound.</summary>
    public string EnvironmentValue => string.Join(';', _bound.Select(b => $"{b.Address.Key}={b.ChildFd}"));

    /// <summary>Where each listener goes in a worker: parent fd → the fd named in SERVER_STARTER_PORT.</summary>
    public IReadOnlyList<(int ParentFd, int ChildFd)> Descriptors =>
        _bound.Select(b => (b.Socket.Fd, b.ChildFd)).ToArray();

    /// <summary>How many listeners there are.</summary>
    public int Count => _bound.Count;

    /// <summary>The SERVER_STARTER_PORT keys, in its order.</summary>
    public IReadOnlyList<string> Keys => _bound.Select(b => b.Address.Key).ToArray();

    /// <summary>Binds every address or throws <see cref="StartupException"/> naming the first that failed.</summary>
    /// <param name="access">Mode and owner of the unix socket files created; 0777 and ours by default.</param>
    public void BindAll(IReadOnlyList<ListenAddress> addresses, int backlog, SocketFileAccess? access = null)
    {
        access ??= SocketFileAccess.Default;
        if (systemd.PassedSocketCount > 0)
        {
            var adopted = SocketActivation.Adopt(addresses, systemd, Resolve, unused => Log.PassedSocketUnused(logger, unused.Display));
            foreach (var (address, socket, childFd, passed) in adopted)
            {
                _bound.Add((address, socket, childFd));
                Log.AdoptingPassedSocket(logger, passed.Display, address.Key, childFd);
            }
            return;
        }
        var childFds = DescriptorPlan.Assign(addresses);
        for (int i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i];
            var socket = address.Kind == ListenKind.Unix ? BindUnix(address, backlog, access) : BindInet(address, backlog);
            _bound.Add((address, socket, childFds[i]));
            Log.Listening(logger, Describe(address, socket), address.Key, childFds[i]);
        }
    }

    /// <summary>What an upgrade in place hands over: each socket's descriptor, in order, and the socket file it created.</summary>
    public IReadOnlyList<Upgrade.CarriedListener> Carried =>
        [.. _bound.Select(b => b.Address.Path is { } path && _createdSocketFiles.TryGetValue(path, out ulong inode)
            ? new Upgrade.CarriedListener(b.Socket.Fd, b.ChildFd, path, inode)
            : new Upgrade.CarriedListener(b.Socket.Fd, b.ChildFd))];

    /// <summary>In the image an upgrade started: the sockets the old image had bound, by descriptor, nothing bound again.</summary>
    public void Adopt(IReadOnlyList<ListenAddress> addresses, IReadOnlyList<Upgrade.CarriedListener> carried)
    {
        if (addresses.Count != carried.Count)
            throw new StartupException($"the upgrade handed over {carried.Count} listening sockets, but the configuration names {addresses.Count}");
        for (int i = 0; i < addresses.Count; i++)
        {
            _bound.Add((addresses[i], new ListeningSocket(carried[i].Fd), carried[i].ChildFd));
            if (carried[i].CreatedFile is { } file)
                _createdSocketFiles[file] = carried[i].CreatedInode;
        }
    }

    private static ListeningSocket BindInet(ListenAddress address, int backlog)
    {
        var ip = Resolve(address);
        bool udp = address.Kind == ListenKind.Udp;
        var socket = new ListeningSocket(Posix.OpenSocket(ip.AddressFamily, datagram: udp));
        try
        {
            // SO_REUSEADDR only. SO_REUSEPORT (which .NET's ReuseAddress also sets) would let a second
            // superdaemon silently share the port and steal half the connections.
            Posix.SetSocketOption(socket.Fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1);
            if (ip.AddressFamily == AddressFamily.InterNetworkV6)
                Posix.SetSocketOption(socket.Fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 1); // as the reference sets it
            Posix.Bind(socket.Fd, new IPEndPoint(ip, address.Port));
            if (!udp)
                Posix.Listen(socket.Fd, backlog);
            return socket;
        }
        catch (PosixException e)
        {
            socket.Dispose();
            throw new StartupException($"failed to bind to {address.Display}: {e.Reason}");
        }
    }

    private static IPAddress Resolve(ListenAddress address)
    {
        if (address.Host is null)
            return IPAddress.Any; // Server::Starter: a bare port means IPv4 0.0.0.0 only.
        if (IPAddress.TryParse(address.Host, out var literal))
            return literal;
        try
        {
            // Server::Starter: host names resolve with gethostbyname, i.e. to an IPv4 address.
            var found = Dns.GetHostAddresses(address.Host, AddressFamily.InterNetwork);
            if (found.Length > 0)
                return found[0];
        }
        catch (SocketException)
        {
        }
        throw new StartupException($"failed to resolve host:{address.Host} (in {StarterOptions.PortOption} {address.Key})");
    }

    private ListeningSocket BindUnix(ListenAddress address, int backlog, SocketFileAccess access)
    {
        string path = address.Path!;
        RemoveStaleSocketFile(path);
        var socket = new ListeningSocket(Posix.OpenSocket(AddressFamily.Unix, datagram: false));
        try
        {
            Posix.BindUnix(socket.Fd, path);
            if (Posix.TryGetFileStatus(path) is { } created)
                _createdSocketFiles[path] = created.Inode;
            // Server::Starter: the socket is created under umask(0), i.e. mode 0777, so that a
            // front-end running as another user can connect. Keep that (deployments rely on it) unless
            // --path-mode or --path-owner say otherwise.
            access.ApplyTo(path);
            Posix.Listen(socket.Fd, backlog);
            return socket;
        }
        catch (PosixException e)
        {
            // The kernel's words alone: "No such file or directory", not the call that said it.
            socket.Dispose();
            throw new StartupException($"failed to listen to file {path}: {e.Reason}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            throw new StartupException($"failed to listen to file {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Server::Starter: an existing socket file is removed with a warning. Unlike the reference, a
    /// socket someone still listens on is left alone: that is another live server, not debris.
    /// </summary>
    private void RemoveStaleSocketFile(string path)
    {
        if (!IsSocketFile(path))
            return;
        using (var probe = new ListeningSocket(Posix.OpenSocket(AddressFamily.Unix, datagram: false)))
        {
            if (Posix.TryConnectUnix(probe.Fd, path))
                throw new StartupException($"failed to listen to file {path}: another process is listening on it");
        }
        Log.RemovingStaleSocket(logger, path);
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"failed to remove existing socket file:{path}: {e.Message}");
        }
    }

    private static bool IsSocketFile(string path) => Posix.TryGetFileStatus(path) is { IsSocket: true };

    private static string Describe(ListenAddress address, ListeningSocket socket) =>
        socket.LocalEndPoint switch
        {
            IPEndPoint ip when address.Kind == ListenKind.Udp => $"udp {ip}",
            IPEndPoint ip => ip.ToString(),
            _ => address.Path!,
        };

    public void Dispose()
    {
        foreach (var (_, socket, _) in _bound)
            socket.Dispose();
        _bound.Clear();
        // Only the files this process created: a successor may already have bound the same path.
        foreach (var (path, inode) in _createdSocketFiles)
        {
            if (Posix.TryGetFileStatus(path) is { IsSocket: true } now && now.Inode == inode)
                File.Delete(path);
        }
        _createdSocketFiles.Clear();
    }
}
