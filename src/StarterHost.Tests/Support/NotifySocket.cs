using System.Net.Sockets;
using System.Text;

namespace StarterHost.Tests.Support;

/// <summary>
/// Plays the service manager's end of sd_notify: a real unix datagram socket (a path, or an abstract
/// "@name") whose datagrams are collected in order, so that tests wait on what StarterHost says.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly List<string> _messages = [];
    private readonly Thread _reader;

    /// <param name="address">A file path, or "@name" for an abstract socket.</param>
    public NotifySocket(string address)
    {
        Address = address;
        _socket.Bind(new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address));
        _reader = new Thread(Read) { IsBackground = true, Name = "notify socket" };
        _reader.Start();
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Address { get; }

    /// <summary>Every datagram so far, each as sent (lines joined by '\n').</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
                return [.. _messages];
        }
    }

    /// <summary>The messages that are not periodic (WATCHDOG=1) nor STATUS= alone: the lifecycle.</summary>
    public IReadOnlyList<string> Lifecycle =>
        [.. Messages.Where(m => m != "WATCHDOG=1" && !m.StartsWith("STATUS=", StringComparison.Ordinal) && !m.StartsWith("EXTEND_TIMEOUT_USEC=", StringComparison.Ordinal))];

    /// <summary>Waits until <paramref name="count"/> datagrams satisfy <paramref name="match"/>; returns the last of them.</summary>
    public string WaitFor(Func<string, bool> match, string what, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? StarterProcess.DefaultTimeout);
        lock (_messages)
        {
            while (true)
            {
                var found = _messages.Where(match).ToList();
                if (found.Count >= count)
                    return found[count - 1];
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException($"no {count} notification(s) {what}; received:\n{string.Join("\n---\n", _messages)}");
                Monitor.Wait(_messages, left);
            }
        }
    }

    public string WaitFor(string exact, int count = 1) => WaitFor(m => m == exact, $"\"{exact}\"", count);

    private void Read()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = _socket.Receive(buffer);
                lock (_messages)
                {
                    _messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
                    Monitor.PulseAll(_messages);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Disposed: the test is over.
        }
    }

    public void Dispose() => _socket.Dispose();
}
