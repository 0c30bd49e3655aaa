using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StarterHost.Worker.Kestrel;

/// <summary>
/// Tells the superdaemon when the worker serves, and hands the shared sockets over cleanly when it stops.
/// Started: once Kestrel listens on the inherited sockets, READY=1 goes to NOTIFY_SOCKET when there is
/// one (StarterHost's <c>--readiness=notify</c>), so the old generation is retired only now.
/// Stopping: Kestrel's own stop unbinds its listeners
/// and at once closes every connection that has not sent a request yet; a connection it accepted a moment
/// before, whose request is still on its way, would then be closed unanswered. So, before Kestrel stops,
/// this stops accepting and waits <see cref="ServerStarterOptions.HandoverDelay"/> for those requests to
/// arrive; Kestrel then finishes them like any request in flight.
/// </summary>
internal sealed partial class HandoverService(AcceptGate gate, ServerStarterOptions options, ILogger<HandoverService> logger) : IHostedLifecycleService
{
    // Runs after every hosted service's StartAsync, Kestrel's (which binds) included.
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (ServiceNotify.SendTo(options.NotifySocket, "READY=1"))
                NotifiedReady(logger, options.NotifySocket!);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // The superdaemon then counts the start as failed at its start timeout; say why here.
            NotifyFailed(logger, options.NotifySocket!, e.Message);
        }
        return Task.CompletedTask;
    }

    // Runs before any hosted service's StopAsync, Kestrel's included.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        gate.Close();
        StoppedAccepting(logger, options.HandoverDelay.TotalMilliseconds);
        try
        {
            await Task.Delay(options.HandoverDelay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out: stop now.
        }
    }

    [LoggerMessage(1, LogLevel.Information, "stopped accepting on the inherited sockets; waiting {DelayMs} ms for the requests of connections already accepted")]
    private static partial void StoppedAccepting(ILogger logger, double delayMs);

    [LoggerMessage(2, LogLevel.Debug, "listening on the inherited sockets; sent READY=1 to {Socket}")]
    private static partial void NotifiedReady(ILogger logger, string socket);

    [LoggerMessage(3, LogLevel.Error, "listening on the inherited sockets, but READY=1 could not be sent to {Socket}: {Reason}")]
    private static partial void NotifyFailed(ILogger logger, string socket, string reason);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
