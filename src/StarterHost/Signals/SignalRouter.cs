using System.Runtime.InteropServices;
using StarterHost.Interop;

namespace StarterHost.Signals;

/// <summary>
/// Hands SIGHUP, SIGTERM, SIGINT, SIGCHLD, SIGTTIN, SIGTTOU, SIGUSR2 and (with <c>--log-file</c>) SIGUSR1 to the event loop as
/// <see cref="PendingSignals"/>, which it turns into events and a reap. Every thread StarterHost starts blocks them
/// (<see cref="BlockedSignals"/>) and the loop reads them from a signalfd; these handlers take one only when it reaches
/// a thread the runtime started before Main (the dll form), or in a test's in-process host. The handlers cancel the runtime's default
/// (which would start a process shutdown): stopping is the generation machine's decision, made only once the
/// workers are gone.
/// </summary>
internal sealed class SignalRouter : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    /// <param name="logFile">
    /// Whether there is a log file to reopen on SIGUSR1. Without one the signal is not ours to handle
    /// (Server::Starter: it terminates).
    /// </param>
    public SignalRouter(PendingSignals pending, bool logFile)
    {
        Route(PosixSignal.SIGHUP, SignalNames.Hup, reset: true, pending);
        Route(PosixSignal.SIGTERM, SignalNames.Term, reset: true, pending);
        // Not reset: the runtime takes SIGINT over as it starts, and keeps a background job's ignored Ctrl-C ignored.
        Route(PosixSignal.SIGINT, SignalNames.Int, reset: false, pending);
        // A parent that ignored SIGCHLD passes that on through exec, and then the kernel (or the runtime,
        // which reaps everything when the original disposition was SIG_IGN) would take our workers' exit
        // statuses.
        Route(PosixSignal.SIGCHLD, SignalNames.Chld, reset: true, pending);
        if (logFile)
            Route((PosixSignal)SignalNames.Usr1, SignalNames.Usr1, reset: false, pending);
        // Resizing, as unicorn and gunicorn do. start_server leaves them at their default: stop the process (from a
        // terminal) or nothing (a daemon's orphaned group); neither is anything to keep.
        Route((PosixSignal)SignalNames.Ttin, SignalNames.Ttin, reset: true, pending);
        Route((PosixSignal)SignalNames.Ttou, SignalNames.Ttou, reset: true, pending);
        Route((PosixSignal)SignalNames.Usr2, SignalNames.Usr2, reset: true, pending);
    }

    /// <summary>
    /// An ignored signal stays ignored through exec, and the runtime keeps an inherited SIG_IGN: under nohup
    /// HUP would never arrive. start_server sets its handlers whatever it inherited; so does this, by putting
    /// the default back (<paramref name="reset"/>) before the runtime installs its own.
    /// </summary>
    private void Route(PosixSignal signal, int number, bool reset, PendingSignals pending)
    {
        if (reset)
            Posix.ResetSignal(number);
        _registrations.Add(PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            pending.Raise(number);
        }));
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _registrations.Clear();
    }
}
