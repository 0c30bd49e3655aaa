using System.Net;
using Microsoft.AspNetCore.Connections;

namespace StarterHost.Worker.Kestrel;

/// <summary>Kestrel's listener on an inherited socket, which stops accepting as soon as the gate closes.</summary>
internal sealed class GatedConnectionListener(IConnectionListener inner, AcceptGate gate) : IConnectionListener
{
    public EndPoint EndPoint => inner.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, gate.Closed);
        try
        {
            return await inner.AcceptAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (gate.Closed.IsCancellationRequested)
        {
            // Null tells Kestrel's accept loop that the listener is done; the connections still queued
            // on the shared socket are the next generation's.
            return null;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
