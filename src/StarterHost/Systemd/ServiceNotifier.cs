using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using StarterHost.Interop;
using StarterHost.Logging;

namespace StarterHost.Systemd;

/// <summary>
/// Tells the service manager about the service (man sd_notify) whenever NOTIFY_SOCKET is set, whoever
/// the parent is: UseSystemd() would only do so under PID 1's systemd. A send that fails is logged and
/// survived; the supervisor must never fall over because its manager is not listening. The launcher of
/// --daemonize waits like a service manager, and hears of readiness (or of why not) here too.
/// </summary>
/// <param name="socketName">How to name the socket in a log line (the NOTIFY_SOCKET value).</param>
internal sealed class ServiceNotifier(ISystemdNotifier notifier, string? socketName, ILogger<ServiceNotifier> logger)
{
    private bool _failing;

    public bool IsEnabled => notifier.IsEnabled;

    public void Ready()
    {
        Send("READY=1");
        Hosting.Daemonizer.ReportReady();
    }

    /// <summary>
    /// Nothing serves yet and a start failed: a --daemonize launcher returns with the reason; the daemon keeps
    /// trying, unless it has <paramref name="givenUp"/>.
    /// </summary>
    public void StartFailed(string reason, bool givenUp = false) =>
        Hosting.Daemonizer.ReportFailure(givenUp ? reason : $"{reason}; the daemon (pid {System.Environment.ProcessId}) keeps trying, see its log file");

    /// <summary>RELOADING=1 with the CLOCK_MONOTONIC time in one datagram, as Type=notify-reload requires.</summary>
    public void Reloading() =>
        Send($"RELOADING=1\nMONOTONIC_USEC={Posix.MonotonicMicroseconds.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// A reload failed: READY=1, which alone ends RELOADING=1 (sd_notify(3)); the reason is in STATUS=. Not the
    /// --daemonize launcher's business: it waits for the first start only, and a reload comes after that.
    /// </summary>
    public void ReloadFailed() => Send("READY=1");

    public void Stopping() => Send("STOPPING=1");

    /// <summary>
    /// What a worker said is printable already (NotifyMessage); escaped once more here all the same, for a newline
    /// in STATUS= would start an assignment of its own, and whatever the text is made of, it stays one.
    /// </summary>
    public void Status(string text) => Send($"STATUS={PrintableText.Escape(text)}");

    public void ExtendTimeout(TimeSpan by) =>
        Send($"EXTEND_TIMEOUT_USEC={((long)by.TotalMicroseconds).ToString(CultureInfo.InvariantCulture)}");

    public void Watchdog() => Send("WATCHDOG=1");

    private void Send(string message)
    {
        if (!notifier.IsEnabled)
            return;
        try
        {
            notifier.Notify(new ServiceState(message));
            if (_failing)
            {
                _failing = false;
                Log.NotifyRecovered(logger);
            }
        }
        catch (PosixException e)
        {
            // One line when it starts failing, not one per watchdog tick.
            if (!_failing)
                Log.NotifyFailed(logger, socketName ?? SystemdEnvironment.NotifySocket, e.Message);
            _failing = true;
        }
    }
}
