using System.Runtime.InteropServices;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Supervision;

namespace StarterHost.Signals;

/// <summary>
/// Turns SIGHUP, SIGTERM and SIGINT into events, and SIGCHLD into a reap. The handlers cancel the
/// runtime's default (which would start a process shutdown): stopping is the generation machine's
/// decision, made only once the workers are gone.
/// </summary>
internal sealed class SignalRouter : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public SignalRouter(Supervisor supervisor)
    {
        Route(PosixSignal.SIGHUP, SignalNames.Hup, () => supervisor.Post(new HangupReceived()));
        Route(PosixSignal.SIGTERM, SignalNames.Term, () => supervisor.Post(new TerminateReceived(SignalNames.Term)));
        // Not reset: the runtime takes SIGINT over as it starts, and keeps a background job's ignored Ctrl-C ignored.
        Route(PosixSignal.SIGINT, null, () => supervisor.Post(new TerminateReceived(SignalNames.Int)));
        // A parent that ignored SIGCHLD passes that on through exec, and then the kernel (or the runtime,
        // which reaps everything when the original disposition was SIG_IGN) would take our workers' exit
        // statuses.
        Route(PosixSignal.SIGCHLD, SignalNames.Chld, supervisor.ChildrenExited);
    }

    /// <summary>
    /// An ignored signal stays ignored through exec, and the runtime keeps an inherited SIG_IGN: under nohup
    /// HUP would never arrive. start_server sets its handlers whatever it inherited; so does this, by putting
    /// the default back (<paramref name="reset"/>) before the runtime installs its own.
    /// </summary>
    private void Route(PosixSignal signal, int? reset, Action handle)
    {
        if (reset is { } number)
            Posix.ResetSignal(number);
        _registrations.Add(PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            handle();
        }));
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _registrations.Clear();
    }
}
