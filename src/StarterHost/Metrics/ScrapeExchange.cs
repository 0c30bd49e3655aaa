using System.Buffers;

namespace StarterHost.Metrics;

/// <summary>What a scrape connection waits for next.</summary>
internal enum ScrapeStep
{
    /// <summary>More of the request.</summary>
    Read,

    /// <summary>Room in the socket's buffer for the rest of the answer.</summary>
    Write,

    /// <summary>Nothing: close it.</summary>
    Close,
}

/// <summary>
/// One scrape connection's decisions, without its socket (<see cref="ScrapeConnection"/> does the I/O): the request is
/// read into a buffer of <see cref="ScrapeRequest.MaxBytes"/> until its head is whole, then the answer is sent until all
/// of it has gone, then the connection closes.
/// </summary>
internal sealed class ScrapeExchange(Func<byte[]> exposition) : IDisposable
{
    private byte[]? _request = ArrayPool<byte>.Shared.Rent(ScrapeRequest.MaxBytes);
    private int _received;
    private byte[] _answer = [];
    private int _sent;

    public ScrapeStep Step { get; private set; } = ScrapeStep.Read;

    /// <summary>Where the next bytes of the request go (while <see cref="Step"/> is Read).</summary>
    public Span<byte> Room => _request.AsSpan(_received, ScrapeRequest.MaxBytes - _received);

    /// <summary>What is left to send (while <see cref="Step"/> is Write).</summary>
    public ReadOnlySpan<byte> Unsent => _answer.AsSpan(_sent);

    /// <summary><paramref name="count"/> more bytes are in <see cref="Room"/>; 0 means the client closed its side.</summary>
    public ScrapeStep Received(int count)
    {
        if (Step != ScrapeStep.Read)
            throw new InvalidOperationException($"received while the exchange waits to {Step}");
        if (count == 0)
            return Step = ScrapeStep.Close; // gone before its request was whole: nobody to answer
        _received += count;
        var progress = ScrapeRequest.Parse(_request.AsSpan(0, _received), out var request);
        if (progress == RequestProgress.Incomplete)
            return Step;
        _answer = ScrapeAnswer.For(progress, request, exposition);
        ReturnBuffer();
        return Step = ScrapeStep.Write;
    }

    /// <summary><paramref name="count"/> bytes of <see cref="Unsent"/> have gone.</summary>
    public ScrapeStep Sent(int count)
    {
        if (Step != ScrapeStep.Write)
            throw new InvalidOperationException($"sent while the exchange waits to {Step}");
        _sent += count;
        return Step = _sent >= _answer.Length ? ScrapeStep.Close : ScrapeStep.Write;
    }

    public void Dispose()
    {
        ReturnBuffer();
        Step = ScrapeStep.Close;
    }

    private void ReturnBuffer()
    {
        if (_request is null)
            return;
        ArrayPool<byte>.Shared.Return(_request);
        _request = null;
    }
}
