using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace StarterHost.Worker;

/// <summary>
/// Reads <c>SERVER_STARTER_PORT</c>, what Perl workers get from <c>Server::Starter::server_ports()</c>:
/// <c>127.0.0.1:8080=3;[::1]:8081=4;8082=5;/run/app.sock=6</c>.
/// </summary>
public static partial class ServerStarterPorts
{
    // start_server renders a port as "PORT", "HOST:PORT" or "[V6]:PORT"; anything else is a unix socket path.
    [GeneratedRegex(@"^(?:\[(?<v6>[^\]]*)\]:|(?<host>[^:/\[\]]+):)?(?<port>\d+)$")]
    private static partial Regex InetKey();

    /// <summary>
    /// The sockets this process inherited, from the environment. Empty, not an exception, when the process
    /// does not run under a superdaemon, so that a server can fall back to binding its own address.
    /// </summary>
    /// <exception cref="FormatException">The variable is set but malformed; the message names the bad value.</exception>
    public static IReadOnlyList<ServerStarterPort> FromEnvironment() =>
        Parse(Environment.GetEnvironmentVariable(ServerStarterEnvironment.PortVariable));

    /// <summary>Parses a <c>SERVER_STARTER_PORT</c> value; null or empty gives an empty list.</summary>
    /// <exception cref="FormatException">An entry is not <c>key=fd</c>, a port or fd is out of range, or an fd repeats.</exception>
    public static IReadOnlyList<ServerStarterPort> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return [];
        var ports = new List<ServerStarterPort>();
        // Server::Starter: split /;/ then split /=/, 2 — empty entries (a trailing ';') are skipped, and a
        // path cannot hold '=' or ';', so the fd is what follows the first '='.
        foreach (string entry in value.Split(';'))
        {
            if (entry.Length == 0)
                continue;
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
                throw Malformed(value, entry, "has no '=': expected key=fd");
            string key = entry[..equals];
            string fdText = entry[(equals + 1)..];
            if (key.Length == 0)
                throw Malformed(value, entry, "has an empty key");
            if (!int.TryParse(fdText, NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
                throw Malformed(value, entry, $"has '{fdText}' where a file descriptor number belongs");
            if (ports.Find(p => p.Fd == fd) is { } twice)
                throw Malformed(value, entry, $"names fd {fd}, which '{twice.Key}' already uses");
            ports.Add(ParseKey(value, entry, key, fd));
        }
        return ports;
    }

    /// <summary>
    /// The inherited socket whose bound address (<c>getsockname</c>) is <paramref name="endpoint"/>, or null.
    /// Unlike comparing keys, this finds <c>127.0.0.1:8080</c> when the key was a host name or <c>[::1]:0</c>
    /// when the superdaemon chose the port.
    /// </summary>
    public static ServerStarterPort? FindByAddress(IEnumerable<ServerStarterPort> ports, EndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(endpoint);
        return ports.FirstOrDefault(p => SameAddress(InheritedListener.LocalEndPoint(p.Fd), endpoint));
    }

    private static bool SameAddress(EndPoint? bound, EndPoint wanted) => (bound, wanted) switch
    {
        (IPEndPoint a, IPEndPoint b) => a.Port == b.Port && a.Address.Equals(b.Address),
        (UnixDomainSocketEndPoint a, UnixDomainSocketEndPoint b) => a.ToString() == b.ToString(),
        _ => false,
    };

    private static ServerStarterPort ParseKey(string value, string entry, string key, int fd)
    {
        var match = InetKey().Match(key);
        if (!match.Success)
        {
            // A key with brackets or a port-like tail that did not parse is a typo, not a file name.
            if (key.StartsWith('[') || key.Contains(']', StringComparison.Ordinal))
                throw Malformed(value, entry, $"has '{key}', which is neither [IPV6]:PORT nor a unix socket path");
            return new(key, ServerStarterPortKind.Unix, null, 0, key, fd);
        }
        string digits = match.Groups["port"].Value;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw Malformed(value, entry, $"has port {digits}, out of range (0-65535)");
        if (match.Groups["v6"].Success)
        {
            string host = match.Groups["v6"].Value;
            if (!IPAddress.TryParse(host, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
                throw Malformed(value, entry, $"has '[{host}]', which is not an IPv6 address");
            return new(key, ServerStarterPortKind.Inet6, host, port, null, fd);
        }
        string? name = match.Groups["host"].Success ? match.Groups["host"].Value : null;
        return new(key, ServerStarterPortKind.Inet, name, port, null, fd);
    }

    private static FormatException Malformed(string value, string entry, string why) =>
        new($"{ServerStarterEnvironment.PortVariable}=\"{value}\" is malformed: entry '{entry}' {why}");
}
