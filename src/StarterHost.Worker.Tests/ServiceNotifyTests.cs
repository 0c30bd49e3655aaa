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

    [Theory]
    [InlineData("10000000", null, 10.0)]
    [InlineData("10000000", "", 10.0)]
    [InlineData("2500000", "OWN", 2.5)]
    [InlineData("10000000", "1", null)] // another process's watchdog: a child that inherited the variables
    [InlineData("0", null, null)]
    [InlineData("", null, null)]
    [InlineData(null, null, null)]
    [InlineData("ten", null, null)]
    public void TheWatchdogPeriodIsSdWatchdogEnabledsAnswer(string? usec, string? pid, double? seconds)
    {
        int own = Environment.ProcessId;
        var period = ServiceNotify.WatchdogPeriodFor(usec, pid == "OWN" ? own.ToString(System.Globalization.CultureInfo.InvariantCulture) : pid, own);
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, period);
    }

    [Fact]
    public void WatchdogPingsAndTriggersAreSdNotifyDatagrams()
    {
        string path = Path.Combine(_directory, "watchdog.sock");
        using var socket = Listen(path);
        string? previous = Environment.GetEnvironmentVariable(ServiceNotify.SocketVariable);
        Environment.SetEnvironmentVariable(ServiceNotify.SocketVariable, path);
        try
        {
            Assert.True(ServiceNotify.Watchdog());
            Assert.Equal("WATCHDOG=1", Receive(socket));
            Assert.True(ServiceNotify.WatchdogTrigger());
            Assert.Equal("WATCHDOG=trigger", Receive(socket));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ServiceNotify.SocketVariable, previous);
        }
    }

    [Fact]
    public void ASocketThatIsNotThereIsAnError()
    {
        Assert.Throws<SocketException>(() => ServiceNotify.SendTo(Path.Combine(_directory, "missing.sock"), "READY=1"));
    }
}
