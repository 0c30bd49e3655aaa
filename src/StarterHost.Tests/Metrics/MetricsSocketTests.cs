using System.Net;
using System.Net.Sockets;
using StarterHost.Interop;
using StarterHost.Metrics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Metrics;

/// <summary>The endpoint's socket: bound at start, a failure in one line, never passed to a worker.</summary>
public sealed class MetricsSocketTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void APortInUseIsOneLineNamingTheAddress()
    {
        using var taken = MetricsSocket.Bind(MetricsAddress.Parse("127.0.0.1:0"));
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var e = Assert.Throws<StartupException>(() => MetricsSocket.Bind(MetricsAddress.Parse($"127.0.0.1:{port}")));
        Assert.Equal($"failed to bind the metrics endpoint to 127.0.0.1:{port}: Address already in use", e.Message);
    }

    [Fact]
    public void AUnixPathInAMissingDirectoryIsOneLineNamingIt()
    {
        string path = _dir.File("missing/metrics.sock");
        var e = Assert.Throws<StartupException>(() => MetricsSocket.Bind(MetricsAddress.Parse("unix:" + path)));
        Assert.Equal($"failed to bind the metrics endpoint to unix:{path}: No such file or directory", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("[::1]:0")]
    [InlineData("unix:")]
    public void ItIsCloseOnExecAndNonBlocking(string address)
    {
        using var socket = MetricsSocket.Bind(MetricsAddress.Parse(address == "unix:" ? address + _dir.File("m.sock") : address));
        Assert.True(Posix.IsCloseOnExec(socket.Fd));
        // Non-blocking: an accept with nobody waiting says so at once instead of waiting for a client.
        Assert.Equal(-1, Posix.AcceptNonBlocking(socket.Fd));
    }

    [Fact]
    public void AStaleUnixSocketIsReplacedAndTheFileRemovedAtTheEnd()
    {
        string path = _dir.File("metrics.sock");
        // Closed without removing its file, as a killed process leaves it (a .NET Socket would remove it).
        int stale = Posix.OpenSocket(AddressFamily.Unix, datagram: false);
        Posix.BindUnix(stale, path);
        Posix.Close(stale);
        Assert.True(File.Exists(path));
        var socket = MetricsSocket.Bind(MetricsAddress.Parse("unix:" + path));
        using (var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            client.Connect(new UnixDomainSocketEndPoint(path));
        socket.Dispose();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AUnixSocketSomebodyListensOnIsLeftAlone()
    {
        string path = _dir.File("metrics.sock");
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint(path));
        live.Listen();
        var e = Assert.Throws<StartupException>(() => MetricsSocket.Bind(MetricsAddress.Parse("unix:" + path)));
        Assert.Equal($"failed to bind the metrics endpoint to unix:{path}: Address already in use", e.Message);
        Assert.True(File.Exists(path));
    }
}
