using System.Net;
using System.Net.Sockets;

namespace StarterHost.Worker.Tests.Support;

/// <summary>
/// A real listening socket as a worker inherits it: bound by "the superdaemon" (<see cref="Original"/>,
/// which stays open like the superdaemon's copy) and duplicated at a high fd (<see cref="Fd"/>).
/// </summary>
internal sealed class InheritedSocket : IDisposable
{
    public Socket Original { get; }

    public int Fd { get; }

    private InheritedSocket(Socket original)
    {
        Original = original;
        Fd = Descriptors.DupHigh((int)original.SafeHandle.DangerousGetHandle());
    }

    public static InheritedSocket Tcp(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen();
        return new(socket);
    }

    public static InheritedSocket Unix(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();
        return new(socket);
    }

    public EndPoint EndPoint => Original.LocalEndPoint!;

    public int Port => ((IPEndPoint)EndPoint).Port;

    public void Dispose()
    {
        Descriptors.Close(Fd);
        Original.Dispose();
    }
}
