using System.Runtime.InteropServices;
using StarterHost.Generations;

namespace StarterHost.Signals;

/// <summary>
/// Turns SIGHUP, SIGTERM and SIGINT into events. The handlers cancel the runtime's default
/// (which would start a process shutdown): stopping is the generation machine's decision, made
/// only once the workers are gone.
/// </summary>
internal sealed class SignalRouter : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public SignalRouter(Action<StarterEvent> post)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            post(new HangupReceived());
        }));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            post(new TerminateReceived(SignalNames.Term));
        }));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            post(new TerminateReceived(SignalNames.Int));
        }));
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _registrations.Clear();
    }
}
