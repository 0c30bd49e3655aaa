using Microsoft.Extensions.Hosting.Systemd;
using StarterHost.Environment;
using StarterHost.Generations;
using StarterHost.Hosting;
using StarterHost.Logging;
using StarterHost.Status;

namespace StarterHost.Supervision;

/// <summary>The real <see cref="IServiceOs"/>: files, the NOTIFY_SOCKET datagram socket, the launcher's pipe, fds 1 and 2. Loop thread only.</summary>
internal sealed class OsService(
    StatusFileWriter? status,
    StatusJsonWriter? json,
    ISystemdNotifier notifier,
    string? notifySocket,
    LogFileReopener? log,
    EnvDirReload envDir) : IServiceOs
{
    public string? ServiceManager => notifier.IsEnabled ? notifySocket : null;

    public void Notify(string assignments) => notifier.Notify(new ServiceState(assignments));

    public void TellLauncher(string? failure)
    {
        if (failure is null)
            Daemonizer.ReportReady();
        else
            Daemonizer.ReportFailure(failure);
    }

    public void WriteStatus(StatusDocument document, StatusReport? report)
    {
        status?.Write(document);
        if (report is not null)
            json?.Write(report);
    }

    public void ReopenLog() => log?.Reopen();

    public EnvDirSnapshot ReadEnvDir() => envDir.Read();
}
