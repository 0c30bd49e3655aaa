using System.Globalization;
using Microsoft.Extensions.Logging;
using StarterHost.Interop;
using StarterHost.Logging;
using StarterHost.Supervision;

namespace StarterHost.Systemd;

/// <summary>
/// Tells the service manager about the service (man sd_notify) whenever NOTIFY_SOCKET is set, whoever
/// the parent is: UseSystemd() would only do so under PID 1's systemd. A send that fails is logged and
/// survived; the supervisor must never fall over because its manager is not listening. The launcher of
/// --daemonize waits like a service manager, and hears of readiness (or of why not) here too. Both through
/// <see cref="IServiceOs"/>; times (MONOTONIC_USEC=) from the supervisor's <paramref name="clock"/>, whose
/// timestamps are CLOCK_MONOTONIC microseconds in production (<see cref="MonotonicClock"/>).
/// </summary>
internal sealed class ServiceNotifier(IServiceOs service, TimeProvider clock, ILogger logger)
{
    private bool _failing;

    public bool IsEnabled => service.ServiceManager is not null;

    public void Ready()
    {
        Send("READY=1");
        service.TellLauncher(null);
    }

    /// <summary>
    /// Nothing serves yet and a start failed: a --daemonize launcher returns with the reason; the daemon keeps
    /// trying, unless it has <paramref name="givenUp"/>.
    /// </summary>
    public void StartFailed(string reason, bool givenUp = false) =>
        service.TellLauncher(givenUp ? reason : $"{reason}; the daemon (pid {System.Environment.ProcessId}) keeps trying, see its log file");

    /// <summary>RELOADING=1 with the CLOCK_MONOTONIC time in one datagram, as Type=notify-reload requires.</summary>
    public void Reloading() =>
        Send($"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds.ToString(CultureInfo.InvariantCulture)}");

    private long MonotonicMicroseconds => (long)((Int128)clock.GetTimestamp() * 1_000_000 / clock.TimestampFrequency);

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
        if (service.ServiceManager is not { } socket)
            return;
        try
        {
            service.Notify(message);
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
                Log.NotifyFailed(logger, socket, e.Message);
            _failing = true;
        }
    }
}
