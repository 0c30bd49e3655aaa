using StarterHost.Environment;
using StarterHost.Generations;
using StarterHost.Status;

namespace StarterHost.Supervision;

/// <summary>
/// The supervisor's way to what surrounds the service itself rather than its workers: the status files, the
/// service manager (sd_notify) and a <c>--daemonize</c> launcher, the log file, the envdir. <see cref="OsService"/>
/// is the real one; tests use a fake that records what it is told, so none of it goes around the seam.
/// </summary>
internal interface IServiceOs
{
    /// <summary>The NOTIFY_SOCKET StarterHost was given, or null when no service manager listens.</summary>
    string? ServiceManager { get; }

    /// <summary>sd_notify(3): one datagram of newline-separated assignments. Throws <see cref="Interop.PosixException"/> when it cannot be sent.</summary>
    void Notify(string assignments);

    /// <summary>
    /// A <c>--daemonize</c> launcher waits for the first start: released (<paramref name="failure"/> null), or told why
    /// not, and it returns. Nothing happens when none waits, or when it was told already.
    /// </summary>
    void TellLauncher(string? failure);

    /// <summary>Writes the status file and, with <c>--status-json</c>, its <paramref name="report"/>. Throws when either cannot be written.</summary>
    void WriteStatus(StatusDocument document, StatusReport? report);

    /// <summary>Opens <c>--log-file</c> again by its name for StarterHost's lines and every worker spawned from now on; says itself what came of it.</summary>
    void ReopenLog();

    /// <summary>Reads the envdir again (as start_server does before each spawn): what a worker gets from it, and the settings it gives.</summary>
    EnvDirSnapshot ReadEnvDir();
}
