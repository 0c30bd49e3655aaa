namespace StarterHost.Worker.Kestrel;

/// <summary>How an ASP.NET Core worker behaves under a superdaemon.</summary>
public sealed class ServerStarterOptions
{
    /// <summary>
    /// How long a stopping worker, having stopped accepting, waits for the requests of connections it has
    /// already accepted before Kestrel stops (and closes the connections that still sent nothing). Defaults
    /// to 1 second; it lengthens the old generation's exit, not anyone's wait.
    /// </summary>
    public TimeSpan HandoverDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where READY=1 goes once Kestrel listens on the inherited sockets. Defaults to <c>NOTIFY_SOCKET</c>, which
    /// StarterHost sets with <c>--readiness=notify</c>; null sends nothing.
    /// </summary>
    public string? NotifySocket { get; set; } = Environment.GetEnvironmentVariable(ServiceNotify.SocketVariable);

    /// <summary>
    /// The watchdog period (<c>WATCHDOG_USEC</c>, set by StarterHost's <c>--worker-watchdog</c>): <c>WATCHDOG=1</c> goes to
    /// <see cref="NotifySocket"/> every half of it while the app is alive. Null (no watchdog for this process) pings never.
    /// </summary>
    public TimeSpan? WatchdogPeriod { get; set; } = ServiceNotify.WatchdogPeriod;

    /// <summary>
    /// What else the app must answer before each <c>WATCHDOG=1</c>, beyond the thread pool running the ping at all: a
    /// dependency it cannot serve without, say. Runs on a thread-pool thread; false (or a throw) skips that ping, so a
    /// worker that keeps failing it is replaced as hung. Defaults to none.
    /// </summary>
    public Func<bool>? WatchdogCheck { get; set; }

    /// <summary>Configures each inherited endpoint (protocols, HTTPS, ...). Defaults to nothing.</summary>
    public Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>? ConfigureEndpoint { get; set; }
}
