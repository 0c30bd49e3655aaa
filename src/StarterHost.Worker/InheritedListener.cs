using System.Net;
using System.Net.Sockets;

namespace StarterHost.Worker;

/// <summary>
/// Turns a descriptor inherited from the superdaemon into a <see cref="Socket"/> without endangering the
/// other processes that share it.
/// </summary>
/// <remarks>
/// The listening socket is shared by the superdaemon and by every live generation. <c>shutdown(2)</c> on it
/// would stop it listening for all of them, and closing it in one process must leave it open in the others.
/// An adopted socket therefore does not own its descriptor: disposing it neither shuts the socket down nor
/// closes the fd, which stays open until the process exits (a draining worker is about to). Nor does it set
/// <c>SO_LINGER</c>, which the runtime does on an abortive close and which accepted connections inherit.
/// The price: the runtime keeps a disposed adoption registered with its event loop, so a second adoption of
/// the same fd fails at its first asynchronous call (EEXIST). Adopt each descriptor once and share that socket.
/// </remarks>
public static class InheritedListener
{
    /// <summary>Adopts inherited descriptor <paramref name="fd"/> as a socket that does not own it.</summary>
    /// <exception cref="InvalidOperationException">
    /// The fd is not an open socket, or is a stream socket that is not listening.
    /// </exception>
    public static Socket Adopt(int fd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fd);
        var socket = Wrap(fd);
        if (socket.SocketType == SocketType.Stream && !IsListening(socket))
        {
            socket.Dispose();
            throw new InvalidOperationException($"inherited fd {fd} is a socket that is not listening");
        }
        return socket;
    }

    /// <summary>The address the socket at <paramref name="fd"/> is bound to (<c>getsockname</c>), or null if it is not a bound socket.</summary>
    public static EndPoint? LocalEndPoint(int fd)
    {
        try
        {
            // No asynchronous call is made on it, so this wrapper leaves no trace in the event loop.
            using var socket = Wrap(fd);
            return socket.LocalEndPoint;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static Socket Wrap(int fd)
    {
        Socket socket;
        try
        {
            // ownsHandle: false — see the remarks: Dispose must never close or shut down the shared socket.
            socket = new Socket(new SafeSocketHandle(fd, ownsHandle: false));
        }
        catch (SocketException e)
        {
            throw NotASocket(fd, e.Message, e);
        }
        // The runtime does not fail on a descriptor that is not a socket; it just cannot tell its type.
        if (socket.SocketType == SocketType.Unknown || socket.AddressFamily == AddressFamily.Unknown)
        {
            socket.Dispose();
            throw NotASocket(fd, "its type is unknown", null);
        }
        return socket;
    }

    private static InvalidOperationException NotASocket(int fd, string why, Exception? inner) =>
        new($"inherited fd {fd} is not an open socket ({why}); was {ServerStarterEnvironment.PortVariable} set for this process by a superdaemon?", inner);

    private static bool IsListening(Socket socket) =>
        socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) is int accepting && accepting != 0;
}
