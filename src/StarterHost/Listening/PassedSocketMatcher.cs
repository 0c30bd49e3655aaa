using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StarterHost.Listening;

/// <summary>
/// Pairs the configured --port/--path values with the sockets socket activation passed, by what they
/// are bound to (or by FileDescriptorName= equal to the start_server key). Pure: no socket is touched.
/// </summary>
internal static class PassedSocketMatcher
{
    /// <summary>For each configured address in order, the passed socket that serves it.</summary>
    /// <param name="resolve">Turns a configured host into the address it binds (as the bind path would).</param>
    /// <exception cref="StartupException">A configured address was not passed; the message names it.</exception>
    public static PassedSocket[] Match(IReadOnlyList<ListenAddress> addresses, IReadOnlyList<PassedSocket> passed, Func<ListenAddress, IPAddress> resolve)
    {
        var result = new PassedSocket[addresses.Count];
        var taken = new HashSet<int>();
        for (int i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i];
            var found = passed.FirstOrDefault(p => !taken.Contains(p.Fd) && p.Name == address.Key && KindMatches(address, p))
                ?? passed.FirstOrDefault(p => !taken.Contains(p.Fd) && Serves(address, p, resolve));
            if (found is null)
            {
                string offered = passed.Count == 0 ? "none" : string.Join(", ", passed.Select(p => p.Display));
                throw new StartupException($"{address.Display} is configured but the service manager did not pass a socket bound to it (passed: {offered})");
            }
            taken.Add(found.Fd);
            result[i] = found;
        }
        return result;
    }

    /// <summary>
    /// The SERVER_STARTER_PORT key start_server would use for a socket bound here: "8080" for the IPv4
    /// wildcard (and the IPv6 one, which systemd's ListenStream=8080 binds), "host:port", "[v6]:port", a path.
    /// </summary>
    public static string KeyFor(PassedSocket socket) => socket.Bound switch
    {
        IPEndPoint ip when ip.Address.Equals(IPAddress.Any) || ip.Address.Equals(IPAddress.IPv6Any) => ip.Port.ToString(CultureInfo.InvariantCulture),
        IPEndPoint ip => ip.ToString(),
        UnixDomainSocketEndPoint unix => unix.ToString(),
        var other => other?.ToString() ?? $"fd{socket.Fd}",
    };

    private static bool KindMatches(ListenAddress address, PassedSocket passed) => address.Kind switch
    {
        ListenKind.Unix => passed.Bound is UnixDomainSocketEndPoint && passed.Type == SocketType.Stream,
        ListenKind.Udp => passed.Bound is IPEndPoint && passed.Type == SocketType.Dgram,
        _ => passed.Bound is IPEndPoint && passed.Type == SocketType.Stream,
    };

    private static bool Serves(ListenAddress address, PassedSocket passed, Func<ListenAddress, IPAddress> resolve)
    {
        if (!KindMatches(address, passed))
            return false;
        if (address.Kind == ListenKind.Unix)
            return Path.GetFullPath(passed.Bound!.ToString()!) == Path.GetFullPath(address.Path!);
        var bound = (IPEndPoint)passed.Bound!;
        if (bound.Port != address.Port)
            return false;
        // A bare port means every address; systemd's ListenStream=PORT binds the IPv6 wildcard, dual-stack.
        if (address.Host is null)
            return bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any);
        var wanted = resolve(address);
        return bound.Address.Equals(wanted)
            || (bound.Address.IsIPv4MappedToIPv6 && bound.Address.MapToIPv4().Equals(wanted));
    }
}
