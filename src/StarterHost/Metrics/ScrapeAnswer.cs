using System.Globalization;
using System.Text;
using StarterHost.Interop;

namespace StarterHost.Metrics;

/// <summary>
/// The whole answer to a scrape connection, head and body, decided from what it asked: <c>GET /metrics</c> (or
/// <c>HEAD</c>) the exposition, another method there 405, any other path 404, a request that is not one 400 or 431.
/// Every answer ends the connection (<c>Connection: close</c>): Prometheus opens another for its next scrape, and the
/// endpoint never has to tell one request from the next.
/// </summary>
internal static class ScrapeAnswer
{
    public const string MetricsPath = "/metrics";

    /// <param name="exposition">Renders the body; called only for a request that gets it (or its length, for HEAD).</param>
    public static byte[] For(RequestProgress progress, ScrapeRequest? request, Func<byte[]> exposition) => progress switch
    {
        RequestProgress.Complete when request is { Path: MetricsPath, Method: "GET" or "HEAD" } => Metrics(exposition, withBody: request.Method == "GET"),
        RequestProgress.Complete when request is { Path: MetricsPath } => Plain(405, "Method Not Allowed", "only GET and HEAD here\n", allow: true),
        RequestProgress.Complete => Plain(404, "Not Found", $"not found: the metrics are at {MetricsPath}\n"),
        RequestProgress.TooLarge => Plain(431, "Request Header Fields Too Large", $"a request may take {ScrapeRequest.MaxBytes} bytes\n"),
        RequestProgress.Malformed => Plain(400, "Bad Request", "not an HTTP/1 request\n"),
        _ => throw new ArgumentOutOfRangeException(nameof(progress), progress, "an incomplete request has no answer yet"),
    };

    private static byte[] Metrics(Func<byte[]> exposition, bool withBody)
    {
        byte[] body;
        try
        {
            body = exposition();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or PosixException)
        {
            // What the process could not read of itself (/proc, a socket) fails this scrape alone, and says why.
            return Plain(500, "Internal Server Error", $"the metrics could not be read: {e.Message}\n");
        }
        return Answer(200, "OK", ExpositionWriter.ContentType, body, withBody);
    }

    private static byte[] Plain(int status, string reason, string body, bool allow = false) =>
        Answer(status, reason, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(body), withBody: true, allow);

    private static byte[] Answer(int status, string reason, string contentType, byte[] body, bool withBody, bool allow = false)
    {
        string head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{(allow ? "Allow: GET, HEAD\r\n" : "")}Connection: close\r\n\r\n");
        var answer = new byte[head.Length + (withBody ? body.Length : 0)];
        Encoding.ASCII.GetBytes(head, answer);
        if (withBody)
            body.CopyTo(answer, head.Length);
        return answer;
    }
}
