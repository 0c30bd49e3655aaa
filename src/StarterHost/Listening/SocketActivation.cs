using System.Net;
using System.Net.Sockets;
using StarterHost.Interop;
using StarterHost.Systemd;

namespace StarterHost.Listening;

/// <summary>
/// Socket activation (man sd_listen_fds): the service manager bound the sockets and keeps them while
/// StarterHost itself restarts. Each configured address takes the passed socket bound to it; with none
/// configured, every passed socket goes to the workers, keyed by what it is bound to.
/// </summary>
internal static class SocketActivation
{
    /// <summary>The passed sockets in use, each with the address it serves and its fd in a worker.</summary>
    /// <param name="unused">Told of each passed socket no address takes; it is closed (systemd keeps its copy).</param>
    /// <exception cref="StartupException">A passed fd is no socket, or a configured address was not passed.</exception>
    public static List<(ListenAddress Address, ListeningSocket Socket, int ChildFd, PassedSocket Passed)> Adopt(
        IReadOnlyList<ListenAddress> addresses, SystemdEnvironment systemd, Func<ListenAddress, IPAddress> resolve, Action<PassedSocket> unused)
    {
        var sockets = new Dictionary<int, ListeningSocket>();
        var passed = new List<PassedSocket>();
        var adopted = new List<(ListenAddress, ListeningSocket, int, PassedSocket)>();
        try
        {
            for (int i = 0; i < systemd.PassedSocketCount; i++)
            {
                var socket = new ListeningSocket(SystemdEnvironment.FirstPassedFd + i);
                sockets[socket.Fd] = socket;
                passed.Add(Inherit(socket, systemd.PassedSocketNames?[i]));
            }
            // sd_listen_fds(unset_environment=true): nothing started later may take them for its own.
            foreach (string name in new[] { SystemdEnvironment.ListenPid, SystemdEnvironment.ListenFds, SystemdEnvironment.ListenFdNames })
                System.Environment.SetEnvironmentVariable(name, null);

            if (addresses.Count == 0)
            {
                for (int i = 0; i < passed.Count; i++)
                {
                    var kind = passed[i].Bound is UnixDomainSocketEndPoint ? ListenKind.Unix : passed[i].Type == SocketType.Dgram ? ListenKind.Udp : ListenKind.Tcp;
                    int childFd = SystemdEnvironment.FirstPassedFd + i;
                    adopted.Add((new ListenAddress(kind, PassedSocketMatcher.KeyFor(passed[i]), null, 0, null, childFd), sockets[passed[i].Fd], childFd, passed[i]));
                }
            }
            else
            {
                var matched = PassedSocketMatcher.Match(addresses, passed, resolve);
                var childFds = DescriptorPlan.Assign(addresses);
                for (int i = 0; i < addresses.Count; i++)
                    adopted.Add((addresses[i], sockets[matched[i].Fd], childFds[i], matched[i]));
            }
            return adopted;
        }
        finally
        {
            // On success the ones no address took; on failure all of them.
            foreach (var p in passed.Where(p => !adopted.Any(a => a.Item4 == p)))
            {
                if (adopted.Count > 0)
                    unused(p);
                sockets[p.Fd].Dispose();
            }
        }
    }

    private static PassedSocket Inherit(ListeningSocket socket, string? name)
    {
        int fd = socket.Fd;
        try
        {
            // Inherited without FD_CLOEXEC. Our spawns close every fd they do not map, but nothing
            // else exec'd from here should get it either.
            Posix.SetCloseOnExec(fd);
            var type = socket.IsDatagram ? SocketType.Dgram : SocketType.Stream;
            return new PassedSocket(fd, name, type, socket.LocalEndPoint);
        }
        catch (PosixException e)
        {
            throw new StartupException($"LISTEN_FDS: fd {fd} passed by the service manager is not a usable socket: {e.Message}");
        }
    }
}
