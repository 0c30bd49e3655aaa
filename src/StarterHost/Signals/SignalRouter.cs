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
    private const int SigChld = 17;
    private readonly List<PosixSignalRegistration> _registrations = [];

    public SignalRouter(Supervisor supervisor)
    {
        Route(PosixSignal.SIGHUP, () => supervisor.Post(new HangupReceived()));
        Route(PosixSignal.SIGTERM, () => supervisor.Post(new TerminateReceived(SignalNames.Term)));
        Route(PosixSignal.SIGINT, () => supervisor.Post(new TerminateReceived(SignalNames.Int)));
        // A parent that ignored SIGCHLD passes that on through exec, and then the kernel (or the runtime,
        // which reaps everything when the original disposition was SIG_IGN) would take our workers' exit
        // statuses: back to the default before the runtime looks.
        Posix.ResetSignal(SigChld);
        Route(PosixSignal.SIGCHLD, supervisor.ChildrenExited);
    }

    private void Route(PosixSignal signal, Action handle) =>
        _registrations.Add(PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            handle();
        }));

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _registrations.Clear();
    }
}
