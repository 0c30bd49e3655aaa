using System.Net.Sockets;
using System.Text;
using StarterHost.Interop;
using StarterHost.Listening;

namespace StarterHost.Readiness;

/// <summary>One datagram and the pid of the process that sent it, as the kernel says (0 when it says nothing).</summary>
internal readonly record struct NotifyDatagram(int SenderPid, NotifyMessage Message);

/// <summary>
/// The NOTIFY_SOCKET of one worker: a unix datagram socket bound to a path of its own. Anyone who can reach
/// the path can send to it, so every datagram comes with its sender's credentials (SO_PASSCRED) for
/// <see cref="NotifyAccess"/> to judge. Non-blocking and read on the loop thread when poll says so; the file
/// goes when the worker does.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly ListeningSocket _socket;
    private readonly byte[] _buffer = new byte[4096];

    /// <param name="path">A name nothing holds yet, in a directory of this process's own (see <see cref="NotifyDirectory.Open"/>).</param>
    public NotifySocket(string path)
    {
        Path = path;
        _socket = new ListeningSocket(Posix.OpenSocket(AddressFamily.Unix, datagram: true, nonBlocking: true));
        try
        {
            // Before the bind: nothing can arrive without credentials.
            Posix.SetSocketOption(_socket.Fd, Libc.SOL_SOCKET, Libc.SO_PASSCRED, 1);
            Posix.BindUnix(_socket.Fd, path);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>In the image an upgrade started: the socket the old image had bound at <paramref name="path"/>, by descriptor.</summary>
    public NotifySocket(string path, int fd)
    {
        Path = path;
        _socket = new ListeningSocket(fd);
    }

    public string Path { get; }

    public int Fd => _socket.Fd;

    /// <summary>The datagrams waiting, parsed, at most <paramref name="max"/>: a sender that floods the socket cannot keep the loop here.</summary>
    /// <remarks>0 bytes is an empty datagram (consumed, like any other), not an end: keep draining.</remarks>
    public List<NotifyDatagram> Receive(int max)
    {
        var datagrams = new List<NotifyDatagram>();
        int received;
        while (datagrams.Count < max && (received = Posix.ReceiveFrom(_socket.Fd, _buffer, out int sender)) >= 0)
            datagrams.Add(new NotifyDatagram(sender, NotifyMessage.Parse(Encoding.UTF8.GetString(_buffer, 0, received))));
        return datagrams;
    }

    public void Dispose()
    {
        _socket.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory goes at exit anyway.
        }
    }
}
