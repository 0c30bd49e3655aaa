using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace StarterHost.Tests.Support;

/// <summary>Scrapes a real StarterHost's metrics endpoint over a plain socket, and reads samples out of the answer.</summary>
internal static class MetricsClient
{
    /// <summary>The port of <c>--metrics=127.0.0.1:0</c>, from the line StarterHost says once it serves them.</summary>
    public static IPEndPoint EndPointOf(StarterProcess starter) =>
        new(IPAddress.Loopback, int.Parse(starter.WaitForLine(@"serving metrics on 127\.0\.0\.1:(\d+) \(GET /metrics\)").Groups[1].Value, CultureInfo.InvariantCulture));

    /// <summary>The status code and the body of one request.</summary>
    public static (int Status, byte[] Body) Get(EndPoint endpoint, string path = "/metrics")
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, endpoint.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)StarterProcess.DefaultTimeout.TotalMilliseconds,
        };
        socket.Connect(endpoint);
        socket.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: starterhost\r\n\r\n"));
        using var answer = new MemoryStream();
        var buffer = new byte[16384];
        int read;
        while ((read = socket.Receive(buffer)) > 0)
            answer.Write(buffer, 0, read);
        byte[] bytes = answer.ToArray();
        int headEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        string head = Encoding.ASCII.GetString(bytes, 0, headEnd);
        int status = int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture);
        return (status, bytes[(headEnd + 4)..]);
    }

    public static string Scrape(EndPoint endpoint)
    {
        var (status, body) = Get(endpoint);
        Assert.Equal(200, status);
        return Encoding.UTF8.GetString(body);
    }

    /// <summary>The value of the sample named exactly so (labels included, as written: <c>starterhost_workers{state="serving"}</c>), or null.</summary>
    public static double? Sample(string exposition, string series)
    {
        var match = Regex.Match(exposition, $@"^{Regex.Escape(series)} (\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }
}
