using System.Net;
using System.Net.Sockets;
using StarterHost.Worker.Tests.Support;

namespace StarterHost.Worker.Tests;

/// <summary>Real listening sockets duplicated at a high fd, as a worker inherits them, and real connections.</summary>
public sealed class InheritedListenerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnAdoptedDescriptorAcceptsConnections()
    {
        using var inherited = InheritedSocket.Tcp(IPAddress.Loopback);
        using var adopted = InheritedListener.Adopt(inherited.Fd);
        Assert.Equal(inherited.EndPoint, adopted.LocalEndPoint);

        var accept = adopted.AcceptAsync();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(inherited.EndPoint);
        using var server = await accept.WaitAsync(Timeout);
        Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
    }

    [Fact]
    public async Task DisposingAnAdoptedListenerLeavesTheSharedSocketListeningForTheOthers()
    {
        using var inherited = InheritedSocket.Tcp(IPAddress.Loopback);
        var adopted = InheritedListener.Adopt(inherited.Fd);
        // A pending accept is what tempts a runtime to shutdown() the socket to unblock it on close.
        var pending = adopted.AcceptAsync();
        adopted.Dispose();
        await Assert.ThrowsAnyAsync<Exception>(() => pending.WaitAsync(Timeout));

        Assert.True(Descriptors.IsOpen(inherited.Fd), "the inherited fd was closed");
        Assert.Equal(1, (int)inherited.Original.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection)!);
        // The other generation (here: the original descriptor) still gets every new connection.
        for (int i = 0; i < 20; i++)
        {
            var accept = inherited.Original.AcceptAsync();
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(inherited.EndPoint);
            using var server = await accept.WaitAsync(Timeout);
            Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        }
    }

    [Fact]
    public void AUnixSocketIsAdoptedAndFoundByItsPath()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("shw-").FullName, "s.sock");
        try
        {
            using var inherited = InheritedSocket.Unix(path);
            var ports = ServerStarterPorts.Parse($"{path}={inherited.Fd}");
            Assert.Equal(ports[0], ServerStarterPorts.FindByAddress(ports, new UnixDomainSocketEndPoint(path)));
            using var adopted = ports[0].Adopt();
            Assert.Equal(AddressFamily.Unix, adopted.AddressFamily);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void ASocketIsFoundByItsBoundAddressWhateverItsKeySays()
    {
        using var v4 = InheritedSocket.Tcp(IPAddress.Loopback);
        using var v6 = InheritedSocket.Tcp(IPAddress.IPv6Loopback);
        // Keys as written for a host name and for a port the superdaemon let the kernel choose.
        var ports = ServerStarterPorts.Parse($"localhost:0={v4.Fd};[::1]:0={v6.Fd}");

        Assert.Equal(ports[0], ServerStarterPorts.FindByAddress(ports, new IPEndPoint(IPAddress.Loopback, v4.Port)));
        Assert.Equal(ports[1], ServerStarterPorts.FindByAddress(ports, new IPEndPoint(IPAddress.IPv6Loopback, v6.Port)));
        Assert.Null(ServerStarterPorts.FindByAddress(ports, new IPEndPoint(IPAddress.Loopback, v6.Port == 1 ? 2 : 1)));
    }

    [Fact]
    public void ADescriptorThatIsNotASocketIsRefusedNamingIt()
    {
        using var file = File.OpenRead("/proc/self/status");
        int fd = Descriptors.DupHigh((int)file.SafeFileHandle.DangerousGetHandle());
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => InheritedListener.Adopt(fd));
            Assert.Contains($"inherited fd {fd} is not an open socket", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Descriptors.Close(fd);
        }
    }

    [Fact]
    public void ASocketThatIsNotListeningIsRefused()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        int fd = Descriptors.DupHigh((int)socket.SafeHandle.DangerousGetHandle());
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => InheritedListener.Adopt(fd));
            Assert.Equal($"inherited fd {fd} is a socket that is not listening", e.Message);
        }
        finally
        {
            Descriptors.Close(fd);
        }
    }
}
