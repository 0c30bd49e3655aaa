using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StarterHost.Interop;
using StarterHost.Listening;
using StarterHost.Metrics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Metrics;

/// <summary>
/// Accept queues read from the kernel, on real listening sockets nobody accepts on, with connections made to them:
/// the numbers are the ones <c>ss -l</c> shows as Recv-Q and Send-Q.
/// </summary>
public sealed class ListenQueuesTests : IDisposable
{
    private const int Backlog = 32;
    private const int Waiting = 10;

    private readonly TempDirectory _dir = new();
    private readonly List<Socket> _clients = [];

    public void Dispose()
    {
        foreach (var client in _clients)
            client.Dispose();
        _dir.Dispose();
    }

    private static ListeningSocket ListenTcp(IPAddress address)
    {
        var socket = new ListeningSocket(Posix.OpenSocket(address.AddressFamily, datagram: false));
        Posix.Bind(socket.Fd, new IPEndPoint(address, 0));
        Posix.Listen(socket.Fd, Backlog);
        return socket;
    }

    private ListeningSocket ListenUnix(string path)
    {
        var socket = new ListeningSocket(Posix.OpenSocket(AddressFamily.Unix, datagram: false));
        Posix.BindUnix(socket.Fd, path);
        Posix.Listen(socket.Fd, Backlog);
        return socket;
    }

    private void Connect(EndPoint endpoint, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var client = new Socket(endpoint.AddressFamily, SocketType.Stream, endpoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
            _clients.Add(client);
            client.Connect(endpoint);
        }
    }

    private static ListenerQueue WaitForLength(string name, ListeningSocket socket, int length)
    {
        // A connect returns once the handshake is done; the server's side counts it as the last ACK is processed.
        Eventually.True(() => ListenQueues.Read(name, socket.Fd)?.Length == length, $"{length} connections in the queue of {name}");
        return ListenQueues.Read(name, socket.Fd)!;
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void ATcpListenersQueueHoldsTheConnectionsNobodyAccepted(string host)
    {
        using var socket = ListenTcp(IPAddress.Parse(host));
        Assert.Equal(new ListenerQueue("web", 0, Backlog), ListenQueues.Read("web", socket.Fd));
        Connect(socket.LocalEndPoint!, Waiting);
        Assert.Equal(new ListenerQueue("web", Waiting, Backlog), WaitForLength("web", socket, Waiting));
    }

    [Fact]
    public void AUnixListenersQueueHoldsTheConnectionsNobodyAccepted()
    {
        string path = _dir.File("app.sock");
        using var socket = ListenUnix(path);
        Assert.Equal(new ListenerQueue(path, 0, Backlog), ListenQueues.Read(path, socket.Fd));
        Connect(new UnixDomainSocketEndPoint(path), Waiting);
        Assert.Equal(new ListenerQueue(path, Waiting, Backlog), WaitForLength(path, socket, Waiting));
    }

    [Fact]
    public void TheQueueFallsAsConnectionsAreAccepted()
    {
        using var socket = ListenTcp(IPAddress.Loopback);
        Connect(socket.LocalEndPoint!, Waiting);
        WaitForLength("web", socket, Waiting);
        for (int i = 0; i < 4; i++)
            Posix.Close(Posix.AcceptNonBlocking(socket.Fd));
        Assert.Equal(Waiting - 4, ListenQueues.Read("web", socket.Fd)!.Length);
    }

    [Fact]
    public void TheBacklogIsCappedBySomaxconnAsTheKernelCapsIt()
    {
        long somaxconn = long.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var socket = new ListeningSocket(Posix.OpenSocket(AddressFamily.InterNetwork, datagram: false));
        using (socket)
        {
            Posix.Bind(socket.Fd, new IPEndPoint(IPAddress.Loopback, 0));
            Posix.Listen(socket.Fd, int.MaxValue);
            Assert.Equal(somaxconn, ListenQueues.Read("web", socket.Fd)!.Backlog);
        }
    }

    [Fact]
    public void SocketsWithoutAnAcceptQueueTellNothing()
    {
        using var udp = new ListeningSocket(Posix.OpenSocket(AddressFamily.InterNetwork, datagram: true));
        Posix.Bind(udp.Fd, new IPEndPoint(IPAddress.Loopback, 0));
        Assert.Null(ListenQueues.Read("dns", udp.Fd));
        using var unbound = new ListeningSocket(Posix.OpenSocket(AddressFamily.InterNetwork, datagram: false));
        Assert.Null(ListenQueues.Read("not listening", unbound.Fd));
        using var unixUnbound = new ListeningSocket(Posix.OpenSocket(AddressFamily.Unix, datagram: false));
        Assert.Null(ListenQueues.Read("not listening", unixUnbound.Fd));
        Assert.Null(ListenQueues.Read("closed", int.MaxValue));
    }

    [SsFact]
    public void TheNumbersAreTheOnesSsShowsAsRecvQAndSendQ()
    {
        using var tcp = ListenTcp(IPAddress.Loopback);
        string path = _dir.File("ss.sock");
        using var unix = ListenUnix(path);
        Connect(tcp.LocalEndPoint!, Waiting);
        Connect(new UnixDomainSocketEndPoint(path), Waiting - 3);
        var tcpQueue = WaitForLength("tcp", tcp, Waiting);
        var unixQueue = WaitForLength("unix", unix, Waiting - 3);

        int port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
        Assert.Equal((tcpQueue.Length, tcpQueue.Backlog), SsQueue(["-ltnH", $"sport = :{port}"], column: 1));
        Assert.Equal((unixQueue.Length, unixQueue.Backlog), SsQueue(["-lxH", "src", path], column: 2));
    }

    /// <summary>Recv-Q and Send-Q of ss's one line; <paramref name="column"/> is Recv-Q's (after State, or Netid and State).</summary>
    private static (long, long) SsQueue(string[] args, int column)
    {
        var info = new ProcessStartInfo(SsFactAttribute.Path) { RedirectStandardOutput = true };
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        using var ss = Process.Start(info)!;
        string output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"ss {string.Join(' ', args)} said:\n{output}");
        string[] fields = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[column], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(fields[column + 1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
