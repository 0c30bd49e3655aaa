using System.Net;
using Microsoft.AspNetCore.Connections;

namespace StarterHost.Worker.Kestrel;

/// <summary>Binds the inherited descriptors (and only those) through Kestrel's socket transport, gated.</summary>
internal sealed class GatedListenerFactory(IConnectionListenerFactory sockets, AcceptGate gate) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is FileHandleEndPoint;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new GatedConnectionListener(await sockets.BindAsync(endpoint, cancellationToken).ConfigureAwait(false), gate);
}
