using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StarterHost.Metrics;

/// <summary>
/// Where the metrics endpoint listens: <c>HOST:PORT</c> (<c>[V6]:PORT</c> for an IPv6 literal) or <c>unix:PATH</c>.
/// The host is always written out: metrics say much about a service, and which interface shows them is the
/// operator's choice, not a default's.
/// </summary>
/// <param name="Host">An IP literal or a host name (resolved when bound); null for a unix socket.</param>
/// <param name="Path">The unix socket's path; null for TCP.</param>
internal sealed record MetricsAddress(string? Host, int Port, string? Path)
{
    private const string UnixPrefix = "unix:";

    /// <summary>How messages name it: "127.0.0.1:9100", "[::1]:9100", "unix:/run/starterhost/metrics.sock".</summary>
    public string Display => Path is not null ? UnixPrefix + Path
        : Host!.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <exception cref="FormatException">The message says what is wrong with the value.</exception>
    public static MetricsAddress Parse(string value)
    {
        if (value.StartsWith(UnixPrefix, StringComparison.Ordinal))
        {
            string path = value[UnixPrefix.Length..];
            if (path.Length == 0)
                throw Invalid("the path after unix: is empty");
            // sun_path holds 108 bytes including the terminating NUL.
            if (Encoding.UTF8.GetByteCount(path) > 107)
                throw Invalid("longer than the 107 bytes a unix socket path may have");
            return new MetricsAddress(null, 0, path);
        }
        int colon = value.LastIndexOf(':');
        if (colon < 0)
            throw Invalid("expected HOST:PORT, [IPV6]:PORT or unix:PATH");
        string host = value[..colon];
        string digits = value[(colon + 1)..];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw Invalid($"'{digits}' is not a port (0-65535)");
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                throw Invalid($"'{host}' is not an IPv6 address");
        }
        else if (host.Contains(':', StringComparison.Ordinal) || host.Contains('[', StringComparison.Ordinal) || host.Contains(']', StringComparison.Ordinal))
        {
            throw Invalid("write an IPv6 address in brackets, as [::1]:9100");
        }
        if (host.Length == 0)
            throw Invalid("the host is empty (0.0.0.0 or [::] for every address)");
        return new MetricsAddress(host, port, null);
    }

    // The caller names the value and the option it came from.
    private static FormatException Invalid(string why) => new(why);
}
