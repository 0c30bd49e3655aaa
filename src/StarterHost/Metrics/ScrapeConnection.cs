using StarterHost.Interop;

namespace StarterHost.Metrics;

/// <summary>
/// One accepted scrape connection: the thin I/O around a <see cref="ScrapeExchange"/>. It reads while the exchange
/// wants the request and writes while it has answer left, each until the socket says "not now" (then the loop calls
/// back when it can go on), and closes at the end, on any error, or at its deadline (<see cref="ScrapeLimits"/>).
/// </summary>
/// <param name="onFault">Told of a failure that is not the client's doing (a bug); the connection is closed all the same.</param>
internal sealed class ScrapeConnection(
    int fd, IMetricsLoop loop, ScrapeLimits limits, Func<byte[]> exposition, Action<ScrapeConnection> onClosed, Action<Exception> onFault)
{
    private readonly ScrapeExchange _exchange = new(exposition);
    private IDisposable? _deadline;
    private bool _waitingToWrite;
    private bool _closed;

    public int Fd => fd;

    public void Start()
    {
        _deadline = loop.StartTimer(limits.RequestDeadline, Close);
        loop.WatchReadable(fd, OnReadable);
    }

    private void OnReadable() => Guarded(() =>
    {
        var step = ScrapeStep.Read;
        while (step == ScrapeStep.Read)
        {
            int n = Posix.ReadAvailable(fd, _exchange.Room);
            if (n < 0)
                return; // the rest of the request later
            step = _exchange.Received(n);
        }
        Continue(step);
    });

    private void OnWritable() => Guarded(() => Continue(ScrapeStep.Write));

    private void Continue(ScrapeStep step)
    {
        while (step == ScrapeStep.Write)
        {
            int n = Posix.SendAvailable(fd, _exchange.Unsent);
            if (n < 0)
            {
                WaitToWrite();
                return;
            }
            step = _exchange.Sent(n);
        }
        Close();
    }

    /// <summary>The socket's buffer is full: go on as the client reads, for the answer deadline in all.</summary>
    private void WaitToWrite()
    {
        if (_waitingToWrite)
            return;
        _waitingToWrite = true;
        _deadline?.Dispose();
        _deadline = loop.StartTimer(limits.AnswerDeadline, Close);
        loop.WatchWritable(fd, OnWritable);
    }

    /// <summary>A peer that reset the connection ends it, and nothing else; so does a fault of ours, which is told.</summary>
    private void Guarded(Action io)
    {
        try
        {
            io();
        }
        catch (PosixException)
        {
            Close();
        }
        catch (Exception e)
        {
            // Told before the client sees the connection close, so that whoever sees the close can know why.
            try
            {
                onFault(e);
            }
            finally
            {
                Close();
            }
        }
    }

    public void Close()
    {
        if (_closed)
            return;
        _closed = true;
        _deadline?.Dispose();
        loop.Unwatch(fd);
        Posix.Close(fd);
        _exchange.Dispose();
        onClosed(this);
    }
}
