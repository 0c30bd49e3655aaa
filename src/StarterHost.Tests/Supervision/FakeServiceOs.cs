using StarterHost.Environment;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Status;
using StarterHost.Supervision;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// The service's surroundings without an OS: what the service manager and a --daemonize launcher are told is kept,
/// the status documents too (written to real files through the real writers when a test gives them), and the envdir
/// says what the test sets.
/// </summary>
internal sealed class FakeServiceOs(RuntimeSettings settings, StatusFileWriter? status = null, StatusJsonWriter? json = null) : IServiceOs
{
    public string? ServiceManager { get; set; } = "test";

    /// <summary>Every sd_notify datagram, as sent.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>What a --daemonize launcher was told: null for ready, else the failure.</summary>
    public List<string?> Launcher { get; } = [];

    /// <summary>Every status document written.</summary>
    public List<StatusDocument> Written { get; } = [];

    /// <summary>When set, status writes fail with this reason.</summary>
    public string? StatusFails { get; set; }

    /// <summary>When set, sd_notify datagrams fail with this errno.</summary>
    public int? NotifyFails { get; set; }

    public int LogReopens { get; private set; }

    /// <summary>What the envdir says when it is read again; the settings the supervisor started with until a test changes it.</summary>
    public EnvDirSnapshot EnvDir { get; set; } = new(null, settings);

    public int EnvDirReads { get; private set; }

    public void Notify(string assignments)
    {
        if (NotifyFails is { } errno)
            throw new PosixException("sendto(test)", errno);
        Messages.Add(assignments);
    }

    public void TellLauncher(string? failure) => Launcher.Add(failure);

    public void WriteStatus(StatusDocument document, StatusReport? report)
    {
        if (StatusFails is { } reason)
            throw new IOException(reason);
        status?.Write(document);
        if (report is not null)
            json?.Write(report);
        Written.Add(document);
    }

    public void ReopenLog() => LogReopens++;

    public EnvDirSnapshot ReadEnvDir()
    {
        EnvDirReads++;
        return EnvDir;
    }
}
