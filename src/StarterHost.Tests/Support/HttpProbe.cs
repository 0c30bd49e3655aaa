using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace StarterHost.Tests.Support;

/// <summary>One answer of a sample worker: "Hello from generation N (pid P)"; null for "generation none" (no superdaemon).</summary>
internal sealed record HelloAnswer(int? Generation, int Pid);

/// <summary>
/// HTTP/1.0 GETs over a fresh connection each, written by hand: no connection pool can hide a refused
/// or reset connection, and every request is a new accept() on the shared listening socket.
/// </summary>
internal static partial class HttpProbe
{
    [GeneratedRegex(@"^HTTP/1\.[01] 200 .*?\r\n\r\nHello from generation (\d+|none) \(pid (\d+)\)\n$", RegexOptions.Singleline)]
    private static partial Regex Answer();

    public static Task<HelloAnswer> GetAsync(int port, string path = "/", CancellationToken cancel = default) =>
        GetAsync(new IPEndPoint(IPAddress.Loopback, port), path, cancel);

    public static async Task<HelloAnswer> GetAsync(EndPoint endpoint, string path = "/", CancellationToken cancel = default)
    {
        using var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(StarterProcess.DefaultTimeout);
        await socket.ConnectAsync(endpoint, timeout.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"), timeout.Token);
        var response = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            response.Append(Encoding.ASCII.GetString(buffer, 0, n));
        var match = Answer().Match(response.ToString());
        if (!match.Success)
            throw new InvalidOperationException($"unexpected response: {response}");
        int? generation = match.Groups[1].Value == "none" ? null : int.Parse(match.Groups[1].Value);
        return new(generation, int.Parse(match.Groups[2].Value));
    }

    public static HelloAnswer Get(int port, string path = "/") => GetAsync(port, path).GetAwaiter().GetResult();

    public static HelloAnswer Get(EndPoint endpoint) => GetAsync(endpoint).GetAwaiter().GetResult();
}
