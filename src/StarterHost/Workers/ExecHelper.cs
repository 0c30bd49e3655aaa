using System.Globalization;
using StarterHost.Interop;

namespace StarterHost.Workers;

/// <summary>
/// What posix_spawn cannot do for a worker: switch to the worker's user and groups (--user, --group), ask
/// for a parent-death signal (prctl(PR_SET_PDEATHSIG)) and learn the worker's own pid before it runs
/// (SYSTEMD_EXEC_PID, LISTEN_PID). StarterHost spawns the exec helper instead of the worker; it does
/// those things, puts every signal back to its default, and execs the worker in the same process, so the
/// pid StarterHost holds is the worker's. Managed code must not fork, so this second exec is the way to run
/// code between fork and exec. The helper is starterhost-exec, this same code in C
/// (src/StarterHost.ExecHelper/starterhost-exec.c: it runs once per spawn, and a C program starts in a fraction
/// of a NativeAOT runtime's start-up), or, where that was not built, StarterHost itself in --exec-worker mode, which
/// is this class (see <see cref="ExecHelperCommand"/>). Either way nothing of the host runs here: no
/// configuration, no logging, no thread of ours. ExecHelperTests hold both to the same expectations.
/// </summary>
internal static class ExecHelper
{
    /// <summary>The first argument that selects this mode of StarterHost; not an option start_server has, and not in --help.</summary>
    public const string Flag = "--exec-worker";

    private const string DeathSignalOption = "--death-signal=";
    private const string ParentOption = "--parent=";
    private const string PidVariablesOption = "--pid-variables=";
    private const string ReportOption = "--report-fd=";
    private const string UserOption = "--user=";
    private const string GroupOption = "--group=";

    /// <summary>The helper's command line: its command (<see cref="ExecHelperCommand"/>), then the worker's path and argv after "--".</summary>
    /// <param name="deathSignal">0 for none (--no-death-signal).</param>
    /// <param name="user">The user to become (name or uid), or null to stay; <paramref name="group"/> likewise.</param>
    public static string[] Arguments(IReadOnlyList<string> helper, int deathSignal, int parentPid, IReadOnlyList<string> pidVariables,
        int? reportFd, string? user, string? group, string path, IReadOnlyList<string> argv) =>
    [
        .. helper,
        DeathSignalOption + deathSignal.ToString(CultureInfo.InvariantCulture),
        ParentOption + parentPid.ToString(CultureInfo.InvariantCulture),
        PidVariablesOption + string.Join(',', pidVariables),
        .. reportFd is { } fd ? [ReportOption + fd.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
        .. user is null ? Array.Empty<string>() : [UserOption + user],
        .. group is null ? Array.Empty<string>() : [GroupOption + group],
        "--",
        path,
        .. argv,
    ];

    /// <summary>
    /// Runs in the spawned helper: sets up, then becomes the worker. Returns only a failure's exit status.
    /// The report fd, close-on-exec, tells StarterHost when the exec happened (it closes) or why it did not.
    /// </summary>
    /// <param name="args">The helper's arguments, after its command (and after <see cref="Flag"/>).</param>
    public static int Run(string[] args)
    {
        int deathSignal = 0, parent = 0, separator = Array.IndexOf(args, "--");
        string[] pidVariables = [];
        string? user = null, group = null;
        for (int i = 0; i < separator; i++)
        {
            string arg = args[i];
            if (arg.StartsWith(DeathSignalOption, StringComparison.Ordinal))
                deathSignal = int.Parse(arg.AsSpan(DeathSignalOption.Length), CultureInfo.InvariantCulture);
            else if (arg.StartsWith(ParentOption, StringComparison.Ordinal))
                parent = int.Parse(arg.AsSpan(ParentOption.Length), CultureInfo.InvariantCulture);
            else if (arg.StartsWith(PidVariablesOption, StringComparison.Ordinal))
                pidVariables = arg[PidVariablesOption.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries);
            else if (arg.StartsWith(ReportOption, StringComparison.Ordinal))
                s_reportFd = int.Parse(arg.AsSpan(ReportOption.Length), CultureInfo.InvariantCulture);
            else if (arg.StartsWith(UserOption, StringComparison.Ordinal))
                user = arg[UserOption.Length..];
            else if (arg.StartsWith(GroupOption, StringComparison.Ordinal))
                group = arg[GroupOption.Length..];
        }
        if (separator < 0 || separator + 2 >= args.Length)
            return Fail("usage: starterhost-exec [options] -- path argv0 [args...]");
        try
        {
            if (s_reportFd >= 0)
                Posix.SetCloseOnExec(s_reportFd);
            // First: the kernel clears the parent-death signal when the credentials change.
            WorkerIdentity.Resolve(user, group)?.Assume();
            if (deathSignal > 0)
            {
                Posix.SetParentDeathSignal(deathSignal);
                // The death signal only covers a parent alive when it was set: one already gone would never send it.
                if (Posix.ParentPid != parent)
                    return Fail($"the superdaemon (pid {parent}) exited before its worker started");
            }
            string ownPid = Posix.CurrentPid.ToString(CultureInfo.InvariantCulture);
            foreach (string name in pidVariables)
                Posix.SetEnvironmentVariable(name, ownPid);
            Posix.ResetSignals();
            string path = args[separator + 1];
            string[] argv = args[(separator + 2)..];
            try
            {
                Posix.ExecReplacing(path, argv);
            }
            catch (PosixException e) when (e.Errno == Libc.ENOEXEC && ShellScript.Command(path, argv) is { } shell)
            {
                Posix.ExecReplacing(shell.Path, shell.Arguments);
            }
            return Fail($"exec {path} returned");
        }
        catch (PosixException e)
        {
            return Fail(e.Message, e.Errno);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return Fail(e.Message);
        }
    }

    private static int s_reportFd = -1;

    /// <summary>
    /// To StarterHost, which logs it (or else to fd 2), and out with 127 (the shell's "could not execute"): the
    /// worker fails to start, visibly. The report is the errno (0 for none), a space and the message.
    /// </summary>
    private static int Fail(string message, int errno = 0)
    {
        if (s_reportFd >= 0)
            TryWrite(s_reportFd, System.Text.Encoding.UTF8.GetBytes($"{errno.ToString(CultureInfo.InvariantCulture)} {message}"));
        else
            TryWrite(2, System.Text.Encoding.UTF8.GetBytes($"starterhost: {message}\n"));
        Posix.ExitImmediately(127);
        return 127;
    }

    /// <summary>What a helper's report says: the errno of the failure (0 when it had none) and the message.</summary>
    public static (int Errno, string Message) ParseReport(string report)
    {
        int space = report.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && int.TryParse(report.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out int errno)
            ? (errno, report[(space + 1)..])
            : (0, report);
    }

    private static void TryWrite(int fd, byte[] data)
    {
        try
        {
            if (fd >= 0)
                Posix.WriteAll(fd, data);
        }
        catch (PosixException)
        {
            // Nobody to tell: the exit status still says it.
        }
    }
}
