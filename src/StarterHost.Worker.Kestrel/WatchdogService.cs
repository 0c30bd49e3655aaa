using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StarterHost.Worker.Kestrel;

/// <summary>
/// Sends <c>WATCHDOG=1</c> every half <see cref="ServerStarterOptions.WatchdogPeriod"/> while the app is alive. "Alive"
/// here means the thread pool answers: the ping is a <see cref="Timer"/> callback, which the runtime runs as a
/// thread-pool work item, so a pool starved or deadlocked (every thread blocked on a lock, sync-over-async) sends
/// no ping, exactly when it would serve no request either; and <see cref="ServerStarterOptions.WatchdogCheck"/>, when
/// set, must answer too. Nothing pings from a thread of its own, which would stay alive however stuck the app is.
/// It starts once Kestrel listens and stops when the app stops: a draining worker is no longer watched.
/// </summary>
internal sealed partial class WatchdogService(ServerStarterOptions options, ILogger<WatchdogService> logger) : IHostedLifecycleService, IDisposable
{
    private Timer? _timer;
    private bool _failing;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.WatchdogPeriod is { } period && period > TimeSpan.Zero && !string.IsNullOrEmpty(options.NotifySocket))
        {
            var every = period / 2;
            _timer = new Timer(_ => Ping(), null, TimeSpan.Zero, every);
            Watching(logger, period.TotalSeconds);
        }
        return Task.CompletedTask;
    }

    private void Ping()
    {
        try
        {
            if (options.WatchdogCheck is { } check && !check())
                return;
            ServiceNotify.SendTo(options.NotifySocket, "WATCHDOG=1");
            _failing = false;
        }
        catch (Exception e)
        {
            // Said once per run of failures: the superdaemon hears the silence anyway.
            if (!_failing)
                PingFailed(logger, e.Message);
            _failing = true;
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    [LoggerMessage(10, LogLevel.Debug, "watched by the superdaemon's watchdog: WATCHDOG=1 every half of {Seconds} s while the thread pool answers")]
    private static partial void Watching(ILogger logger, double seconds);

    [LoggerMessage(11, LogLevel.Warning, "WATCHDOG=1 not sent: {Reason}")]
    private static partial void PingFailed(ILogger logger, string reason);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
