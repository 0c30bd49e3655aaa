using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using StarterHost.Configuration;

namespace StarterHost.Listening;

/// <summary>Parses <c>--port</c> and <c>--path</c> values with start_server's grammar.</summary>
internal static partial class ListenAddressParser
{
    public const int MaxDescriptor = 65535;

    // Server::Starter: "PORT", "uPORT", "PORT=FD", with blanks tolerated around each part.
    [GeneratedRegex(@"^\s*(u?)(\d+)(?:\s*=(\d+))?\s*$")]
    private static partial Regex PortOnly();

    // Server::Starter: "HOST:PORT" and "[V6]:PORT", same suffixes. The port is what follows the
    // last colon, so "::1:8080" is [::1]:8080 just as in the reference.
    [GeneratedRegex(@"^\s*(?:\[\s*|)([^\]]*?)\s*(?:\]\s*|):\s*(u?)(\d+)(?:\s*=(\d+))?\s*$")]
    private static partial Regex HostAndPort();

    /// <summary>Parses one <c>--port</c> value; the exception message names the value and what is wrong.</summary>
    public static ListenAddress ParsePort(string value)
    {
        var match = PortOnly().Match(value);
        if (match.Success)
        {
            var kind = match.Groups[1].Length > 0 ? ListenKind.Udp : ListenKind.Tcp;
            // Server::Starter: the key is the digits as written; the "u" prefix is not part of it.
            string digits = match.Groups[2].Value;
            return new(kind, digits, null, PortNumber(value, digits), null, Descriptor(value, match.Groups[3]));
        }

        match = HostAndPort().Match(value);
        // The reference's pattern makes each bracket optional on its own; "[::1:80" is a typo, not an address.
        if (!match.Success || value.Contains('[', StringComparison.Ordinal) != value.Contains(']', StringComparison.Ordinal))
            throw Invalid(value, "expected PORT, HOST:PORT or [IPV6]:PORT, optionally with a 'u' before the port for UDP and =FD after it");

        string host = match.Groups[1].Value;
        string portDigits = match.Groups[3].Value;
        var udp = match.Groups[2].Length > 0 ? ListenKind.Udp : ListenKind.Tcp;
        int port = PortNumber(value, portDigits);
        int? fd = Descriptor(value, match.Groups[4]);
        if (host.Length == 0)
            throw Invalid(value, "the host is empty (write just the port to listen on every IPv4 address)");
        if (host.Contains(':', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                throw Invalid(value, $"'{host}' is not an IPv6 address");
            return new(udp, $"[{host}]:{portDigits}", host, port, null, fd);
        }
        return new(udp, $"{host}:{portDigits}", host, port, null, fd);
    }

    /// <summary>Validates one <c>--path</c> value (a unix socket to create).</summary>
    public static ListenAddress ParsePath(string value)
    {
        if (string.IsNullOrEmpty(value))
            throw new FormatException($"invalid ``{StarterOptions.PathOption.Name}'' value: the path is empty");
        // sun_path holds 108 bytes including the terminating NUL.
        if (Encoding.UTF8.GetByteCount(value) > 107)
            throw new FormatException($"invalid ``{StarterOptions.PathOption.Name}'' value:{value}: longer than the 107 bytes a unix socket path may have");
        if (value.Contains(';', StringComparison.Ordinal) || value.Contains('=', StringComparison.Ordinal))
            throw new FormatException($"invalid ``{StarterOptions.PathOption.Name}'' value:{value}: ';' and '=' cannot be passed in SERVER_STARTER_PORT");
        return new(ListenKind.Unix, value, null, 0, value, null);
    }

    private static int PortNumber(string value, string digits)
    {
        // The reference silently truncates 70000 to 4464; that is a bug, not a feature.
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw Invalid(value, $"port {digits} is out of range (0-65535)");
        return port;
    }

    private static int? Descriptor(string value, Group group)
    {
        if (!group.Success)
            return null;
        if (!int.TryParse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || fd > MaxDescriptor)
            throw Invalid(value, $"file descriptor {group.Value} is out of range (0-{MaxDescriptor})");
        return fd;
    }

    private static FormatException Invalid(string value, string why) =>
        new($"invalid ``{StarterOptions.PortOption.Name}'' value:{value}: {why}");
}
