using StarterHost.Interop;

namespace StarterHost.Metrics;

/// <summary>
/// The accept queues of the listeners StarterHost holds for its workers, read at scrape time. The sockets are ours,
/// so the kernel tells us how many connections wait in each without the worker's help: the first sign of saturation,
/// before latency or errors show anything. TCP through TCP_INFO, unix stream sockets through sock_diag
/// (Interop/Posix.ListenQueue.cs); datagram sockets have no queue of connections and are left out, as is a listener
/// the kernel will not tell of (a kernel without unix_diag).
/// </summary>
internal static class ListenQueues
{
    /// <param name="listeners">Each listener's SERVER_STARTER_PORT key and fd.</param>
    public static IReadOnlyList<ListenerQueue> Read(IEnumerable<(string Listener, int Fd)> listeners)
    {
        var queues = new List<ListenerQueue>();
        foreach (var (listener, fd) in listeners)
        {
            if (Read(listener, fd) is { } queue)
                queues.Add(queue);
        }
        return queues;
    }

    public static ListenerQueue? Read(string listener, int fd)
    {
        try
        {
            if (Posix.GetSocketOption(fd, Libc.SOL_SOCKET, Libc.SO_TYPE) != Libc.SOCK_STREAM)
                return null;
            var queue = Posix.SocketDomain(fd) switch
            {
                Libc.AF_INET or Libc.AF_INET6 => Posix.TcpListenQueue(fd),
                Libc.AF_UNIX => Posix.UnixListenQueue(fd),
                _ => null,
            };
            return queue is var (length, backlog) ? new ListenerQueue(listener, length, backlog) : null;
        }
        catch (PosixException)
        {
            // A scrape shows what can be read; it never fails for what cannot.
            return null;
        }
    }
}
