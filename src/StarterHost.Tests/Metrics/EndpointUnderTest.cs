using System.Net;
using System.Net.Sockets;
using System.Text;
using StarterHost.Metrics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Metrics;

/// <summary>
/// A <see cref="MetricsEndpoint"/> on a real socket, driven by the supervisor's event loop on a thread of its own (the
/// adapter production uses, <see cref="EpollMetricsLoop.On"/>), and plain socket clients to talk to it.
/// </summary>
internal sealed class EndpointUnderTest : IDisposable
{
    private readonly LoopThread _thread = new();
    private readonly EpollMetricsLoop _epoll;
    private readonly List<Exception> _faults = [];

    public EndpointUnderTest(Func<byte[]> exposition, MetricsAddress? address = null, ScrapeLimits? limits = null)
    {
        var socket = MetricsSocket.Bind(address ?? MetricsAddress.Parse("127.0.0.1:0"));
        EndPoint = socket.LocalEndPoint!;
        (_epoll, Loop, Endpoint) = _thread.Invoke(() =>
        {
            var epoll = EpollMetricsLoop.On(_thread.Loop, _thread.Timers);
            var counting = new CountingMetricsLoop(epoll);
            var endpoint = new MetricsEndpoint(socket, counting, exposition, e =>
            {
                lock (_faults)
                    _faults.Add(e);
            }, limits);
            endpoint.Start();
            return (epoll, counting, endpoint);
        });
    }

    public EndPoint EndPoint { get; }

    public CountingMetricsLoop Loop { get; }

    public MetricsEndpoint Endpoint { get; }

    public IReadOnlyList<Exception> Faults
    {
        get
        {
            lock (_faults)
                return [.. _faults];
        }
    }

    /// <summary>Runs <paramref name="read"/> on the loop thread, where the endpoint lives.</summary>
    public T OnLoop<T>(Func<T> read) => _thread.Invoke(read);

    /// <summary>Every descriptor of the endpoint: its listener, its connections, its epoll set. On the loop thread.</summary>
    public int[] Descriptors => [.. Endpoint.Descriptors, _epoll.Fd];

    /// <summary>Descriptors in the endpoint's epoll set and timers armed on the loop: what could wake it.</summary>
    public (int Watched, int NextDueMs) Pending => OnLoop(() => (_epoll.Count, _thread.Timers.MillisecondsUntilNextDue()));

    public Socket Connect()
    {
        var client = new Socket(EndPoint.AddressFamily, SocketType.Stream, EndPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)StarterProcess.DefaultTimeout.TotalMilliseconds,
        };
        client.Connect(EndPoint);
        return client;
    }

    /// <summary>Sends <paramref name="request"/> as it is and reads the whole answer, until the endpoint closes the connection.</summary>
    public byte[] Exchange(string request)
    {
        using var client = Connect();
        client.Send(Encoding.ASCII.GetBytes(request));
        return ReadToEnd(client);
    }

    public string Get(string path, string method = "GET") =>
        Encoding.UTF8.GetString(Exchange($"{method} {path} HTTP/1.1\r\nHost: test\r\n\r\n"));

    public static byte[] ReadToEnd(Socket client)
    {
        var answer = new MemoryStream();
        byte[] buffer = new byte[65536];
        int n;
        while ((n = client.Receive(buffer)) > 0)
            answer.Write(buffer, 0, n);
        return answer.ToArray();
    }

    public void Dispose()
    {
        _thread.Invoke(() =>
        {
            Endpoint.Dispose();
            _epoll.Dispose();
        });
        _thread.Dispose();
    }
}
