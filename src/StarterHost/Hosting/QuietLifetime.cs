using Microsoft.Extensions.Hosting;

namespace StarterHost.Hosting;

/// <summary>
/// Replaces the console lifetime, which would stop the host on the first SIGTERM or SIGINT and
/// abandon the workers. Signals belong to <see cref="Signals.SignalRouter"/>; the host stops when
/// the generation machine says every worker is gone.
/// </summary>
internal sealed class QuietLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
