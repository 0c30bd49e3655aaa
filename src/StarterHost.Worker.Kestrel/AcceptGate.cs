namespace StarterHost.Worker.Kestrel;

/// <summary>Closed once, when the worker starts stopping: from then on no inherited listener accepts.</summary>
internal sealed class AcceptGate : IDisposable
{
    private readonly CancellationTokenSource _closed = new();

    public CancellationToken Closed => _closed.Token;

    public void Close() => _closed.Cancel();

    public void Dispose() => _closed.Dispose();
}
