using System.Text.RegularExpressions;
using StarterHost.Interop;

namespace StarterHost.Logging;

/// <summary>
/// <c>--log-file</c>: points this process's stdout and stderr, which workers inherit, at a file
/// (appending) or at the stdin of a "| command".
/// </summary>
internal static partial class LogFileRedirect
{
    [GeneratedRegex(@"^\s*\|\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex PipePrefix();

    /// <summary>The command of a "| command" log file, or null for a plain file.</summary>
    public static string? PipeCommand(string logFile) =>
        PipePrefix().Match(logFile) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>
    /// Opens (creating) a log file and closes it again: null when it can be appended to, else the error.
    /// Server::Starter opens it first thing; checked here with the other settings, so that it fails
    /// before the sockets are bound and their lines are logged.
    /// </summary>
    public static string? WhyNotWritable(string logFile)
    {
        try
        {
            Posix.Close(Posix.OpenForAppend(logFile));
            return null;
        }
        catch (PosixException e)
        {
            return CannotOpen(logFile, e);
        }
    }

    /// <exception cref="StartupException">The file cannot be opened or the command started.</exception>
    public static void Apply(string logFile)
    {
        int fd;
        if (PipeCommand(logFile) is { } command)
        {
            var (read, write) = Posix.OpenPipe();
            try
            {
                // The log command outlives every writer; the supervisor reaps it with any other child when it ends.
                Posix.Spawn(new SpawnRequest("/bin/sh", ["/bin/sh", "-c", command], EnvironmentList(), [(read, 0)]));
            }
            catch (PosixException e)
            {
                Posix.Close(write);
                throw new StartupException($"failed to open pipe:{logFile}: {e.Message}");
            }
            finally
            {
                Posix.Close(read);
            }
            fd = write;
        }
        else
        {
            try
            {
                fd = Posix.OpenForAppend(logFile);
            }
            catch (PosixException e)
            {
                throw new StartupException(CannotOpen(logFile, e));
            }
        }
        Console.Out.Flush();
        Console.Error.Flush();
        Posix.Dup2(fd, 1);
        Posix.Dup2(fd, 2);
        Posix.Close(fd);
    }

    /// <summary>Why a log file cannot be opened, the same whether checked beforehand or applied.</summary>
    private static string CannotOpen(string logFile, PosixException e) =>
        $"failed to open log file:{logFile}: {e.Reason}";

    /// <summary>Ours, less what was addressed to StarterHost alone (NOTIFY_SOCKET and the like), as for a worker.</summary>
    private static string[] EnvironmentList() =>
        [.. Environment.ProcessEnvironment.Read().Cast<System.Collections.DictionaryEntry>()
            .Where(e => !Environment.WorkerEnvironment.InternalVariables.Contains((string)e.Key))
            .Select(e => $"{e.Key}={e.Value}")];
}
