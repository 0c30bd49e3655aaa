using Microsoft.Extensions.Hosting.Systemd;

namespace StarterHost.Tests.Supervision;

/// <summary>A service manager that keeps what it is told.</summary>
internal sealed class RecordingNotifier : ISystemdNotifier
{
    public List<string> Messages { get; } = [];

    public bool IsEnabled => true;

    public void Notify(ServiceState state) => Messages.Add(state.ToString());
}
