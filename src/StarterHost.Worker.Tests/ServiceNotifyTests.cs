using System.Net.Sockets;
using System.Text;

namespace StarterHost.Worker.Tests;

/// <summary>sd_notify(3) datagrams from a worker, received on a real unix datagram socket.</summary>
public sealed class ServiceNotifyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("notify-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { ReceiveTimeout = 30_000 };
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        return Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer));
    }

    [Fact]
    public void ReadyAndStatusArriveAsSdNotifyDatagrams()
    {
        string path = Path.Combine(_directory, "notify.sock");
        using var socket = Listen(path);
        Assert.True(ServiceNotify.SendTo(path, "READY=1"));
        Assert.Equal("READY=1", Receive(socket));
        Assert.True(ServiceNotify.SendTo(path, "STATUS=warming up"));
        Assert.Equal("STATUS=warming up", Receive(socket));
    }

    [Fact]
    public void AnAbstractSocketIsNamedWithAnAt()
    {
        string name = $"starterhost-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using var socket = Listen("\0" + name);
        Assert.True(ServiceNotify.SendTo("@" + name, "READY=1"));
        Assert.Equal("READY=1", Receive(socket));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void WithoutASocketNothingIsSent(string? socket)
    {
        Assert.False(ServiceNotify.SendTo(socket, "READY=1"));
    }

    [Fact]
    public void ASocketThatIsNotThereIsAnError()
    {
        Assert.Throws<SocketException>(() => ServiceNotify.SendTo(Path.Combine(_directory, "missing.sock"), "READY=1"));
    }
}
