using System.Text;

namespace StarterHost.Metrics;

/// <summary>What the bytes received so far on a scrape connection amount to.</summary>
internal enum RequestProgress
{
    /// <summary>The head (request line and headers, up to the blank line) has not all arrived yet.</summary>
    Incomplete,

    /// <summary>A whole head: the request is known.</summary>
    Complete,

    /// <summary>No blank line within <see cref="ScrapeRequest.MaxBytes"/>.</summary>
    TooLarge,

    /// <summary>Not an HTTP/1 request line.</summary>
    Malformed,
}

/// <summary>
/// An HTTP/1 request's line: the method and the path it asks for (without its query). Headers are waited for, for the
/// request to be whole, but read for nothing: the answer is the same whatever they say, and closes the connection.
/// </summary>
internal sealed record ScrapeRequest(string Method, string Path)
{
    /// <summary>A request's head may take this much; Prometheus's takes about 250 bytes.</summary>
    public const int MaxBytes = 8192;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> BareHeadEnd => "\n\n"u8;

    /// <summary>Looks at everything received so far; <paramref name="request"/> is set when it is <see cref="RequestProgress.Complete"/>.</summary>
    public static RequestProgress Parse(ReadOnlySpan<byte> received, out ScrapeRequest? request)
    {
        request = null;
        int lineEnd = received.IndexOf((byte)'\n');
        // Judge the request line as soon as it is there: a client that sends garbage hears so at once.
        if (lineEnd >= 0 && ParseLine(received[..lineEnd]) is null)
            return RequestProgress.Malformed;
        if (received.IndexOf(HeadEnd) < 0 && received.IndexOf(BareHeadEnd) < 0)
            return received.Length >= MaxBytes ? RequestProgress.TooLarge : RequestProgress.Incomplete;
        request = ParseLine(received[..lineEnd]);
        return RequestProgress.Complete;
    }

    /// <summary>"METHOD SP TARGET SP HTTP/1.x", the CR optional (RFC 9112 lets a server take a bare LF).</summary>
    private static ScrapeRequest? ParseLine(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\r"u8))
            line = line[..^1];
        int firstSpace = line.IndexOf((byte)' ');
        int lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
            return null;
        var method = line[..firstSpace];
        var target = line[(firstSpace + 1)..lastSpace];
        var version = line[(lastSpace + 1)..];
        if (!IsToken(method) || target[0] != (byte)'/' || target.IndexOf((byte)' ') >= 0
            || version.Length != 8 || !version.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)version[7]))
            return null;
        int query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        return new ScrapeRequest(Encoding.ASCII.GetString(method), Encoding.UTF8.GetString(path));
    }

    private static bool IsToken(ReadOnlySpan<byte> method)
    {
        foreach (byte b in method)
        {
            if (!char.IsAsciiLetterUpper((char)b))
                return false;
        }
        return true;
    }
}
