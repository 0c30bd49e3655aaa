using System.Net.Sockets;
using System.Text;
using StarterHost.Interop;
using StarterHost.Listening;

namespace StarterHost.Readiness;

/// <summary>
/// The NOTIFY_SOCKET of one worker: a unix datagram socket bound to a path of its own, so that whatever
/// arrives on it is that worker's. Non-blocking and read on the loop thread when poll says so; the file
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
            Posix.BindUnix(_socket.Fd, path);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public int Fd => _socket.Fd;

    /// <summary>Every datagram waiting, parsed; none when there is none.</summary>
    /// <remarks>
    /// read(2) on a datagram socket takes one datagram, as recv(2) does; the socket is non-blocking, so
    /// -1 is "none left". 0 is an empty datagram (consumed, like any other), not an end: keep draining.
    /// </remarks>
    public List<NotifyMessage> ReceiveAll()
    {
        var messages = new List<NotifyMessage>();
        int received;
        while ((received = Posix.ReadAvailable(_socket.Fd, _buffer)) >= 0)
            messages.Add(NotifyMessage.Parse(Encoding.UTF8.GetString(_buffer, 0, received)));
        return messages;
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
