using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace SystemdSocketWorker;

/// <summary>
/// What a Kestrel app needs to hand a shared socket over without losing a request, whoever restarts it:
/// Kestrel's stop closes, unanswered, every connection it has accepted but not begun to read, and under
/// load a few always are. So, once the host is stopping, its listeners accept nothing more (the next
/// generation takes what queues on the socket) and the connections already accepted get a second to be
/// read before Kestrel stops; it then finishes them like any request in flight. Kestrel's own socket
/// transport underneath, Microsoft's interfaces only.
/// </summary>
internal sealed class StopAcceptingFirst(IOptions<SocketTransportOptions> options, ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    : IConnectionListenerFactory, IHostedLifecycleService
{
    private readonly SocketTransportFactory _sockets = new(options, loggers);

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await _sockets.BindAsync(endpoint, cancellationToken), lifetime.ApplicationStopping);

    // Runs before any hosted service's StopAsync, Kestrel's included.
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class Listener(IConnectionListener inner, CancellationToken stopping) : IConnectionListener
    {
        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
            try
            {
                return await inner.AcceptAsync(either.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null; // Kestrel's accept loop ends here.
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
