namespace StarterHost.Listening;

internal enum ListenKind
{
    Tcp,
    Udp,
    Unix,
}

/// <summary>One socket to bind, as parsed from <c>--port</c> or <c>--path</c>.</summary>
/// <param name="Key">The name the worker sees in SERVER_STARTER_PORT, rendered as start_server renders it.</param>
/// <param name="Host">Null for "any IPv4 address"; an IP literal or a host name otherwise.</param>
/// <param name="Fd">The descriptor number the worker must find the socket at, when the user asked for one.</param>
internal sealed record ListenAddress(ListenKind Kind, string Key, string? Host, int Port, string? Path, int? Fd)
{
    public bool IsIPv6 => Host is not null && Host.Contains(':', StringComparison.Ordinal);

    /// <summary>How error messages name it: "127.0.0.1:8080", "[::1]:8080", "udp 0.0.0.0:53", a path.</summary>
    public string Display => Kind switch
    {
        ListenKind.Unix => Path!,
        ListenKind.Udp => $"udp {Host ?? "0.0.0.0"}:{Port}",
        _ => Host is null ? $"0.0.0.0:{Port}" : IsIPv6 ? $"[{Host}]:{Port}" : $"{Host}:{Port}",
    };
}
