using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StarterHost.Worker.Kestrel;

/// <summary>
/// Hands the shared sockets over cleanly when the worker stops. Kestrel's own stop unbinds its listeners
/// and at once closes every connection that has not sent a request yet; a connection it accepted a moment
/// before, whose request is still on its way, would then be closed unanswered. So, before Kestrel stops,
/// this stops accepting and waits <see cref="ServerStarterOptions.HandoverDelay"/> for those requests to
/// arrive; Kestrel then finishes them like any request in flight.
/// </summary>
internal sealed partial class HandoverService(AcceptGate gate, ServerStarterOptions options, ILogger<HandoverService> logger) : IHostedLifecycleService
{
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

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
