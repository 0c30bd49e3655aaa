using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StarterHost.Tests.Support;

/// <summary>Asks a listener which worker answers: one connection, one line "gen=N pid=P key=K".</summary>
internal static class WorkerClient
{
    public static string Ask(EndPoint endpoint)
    {
        using var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveTimeout = (int)StarterProcess.DefaultTimeout.TotalMilliseconds;
        socket.Connect(endpoint);
        var buffer = new byte[256];
        var text = new StringBuilder();
        int n;
        while ((n = socket.Receive(buffer)) > 0)
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        return text.ToString().TrimEnd('\n');
    }

    public static string Ask(int port) => Ask(new IPEndPoint(IPAddress.Loopback, port));

    public static string Ask(string unixPath) => Ask(new UnixDomainSocketEndPoint(unixPath));

    /// <summary>Asks until the generation that answers is <paramref name="generation"/>.</summary>
    public static string AskUntilGeneration(Func<string> ask, int generation) =>
        Eventually.Get(() => ask() is var answer && answer.StartsWith($"gen={generation} ", StringComparison.Ordinal) ? answer : null,
            $"generation {generation} to answer");
}
