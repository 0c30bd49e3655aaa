using System.Globalization;
using StarterHost.Interop;

namespace StarterHost.Hosting;

/// <summary>
/// <c>--daemonize</c> without fork(2), which managed code must not call: the process re-executes
/// itself in a new session (posix_spawn with POSIX_SPAWN_SETSID) and waits on a pipe until the
/// detached copy has bound its sockets and spawned its first worker, so that a startup error still
/// reaches the terminal and the exit status. The copy never holds the launcher's stdout or stderr
/// (the runtime keeps dups of them that --log-file cannot redirect, and a caller reading our output
/// would wait for them forever): it reports over the pipe instead.
/// </summary>
internal static class Daemonizer
{
    /// <summary>Set in the detached copy: the fd of the pipe to report readiness on.</summary>
    public const string NotifyFdVariable = "STARTERHOST_DAEMON_NOTIFY_FD";
    private const int NotifyFd = 3;
    private static readonly byte[] ReadyMessage = "ready\n"u8.ToArray();
    private const string ErrorPrefix = "error: ";

    public static bool IsDetachedCopy => System.Environment.GetEnvironmentVariable(NotifyFdVariable) is not null;

    /// <summary>Starts the detached copy and returns the exit status for this, the launching, process.</summary>
    public static int Detach(IReadOnlyList<string> args)
    {
        var (read, write) = Posix.OpenPipe();
        int devNull = Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        int pid;
        try
        {
            var environment = Environment.ProcessEnvironment.Read().Cast<System.Collections.DictionaryEntry>()
                .Select(e => $"{e.Key}={e.Value}")
                .Append($"{NotifyFdVariable}={NotifyFd}")
                .ToArray();
            string[] argv = [.. SelfCommand.Get(), .. args];
            pid = Posix.Spawn(new SpawnRequest(argv[0], argv, environment, [(devNull, 0), (devNull, 1), (devNull, 2), (write, NotifyFd)], NewSession: true));
        }
        finally
        {
            Posix.Close(write);
            Posix.Close(devNull);
        }
        byte[] said = Posix.ReadToEnd(read);
        Posix.Close(read);
        if (said.AsSpan().SequenceEqual(ReadyMessage))
            return 0;
        string text = System.Text.Encoding.UTF8.GetString(said).TrimEnd('\n');
        Console.Error.WriteLine(text.StartsWith(ErrorPrefix, StringComparison.Ordinal)
            ? $"starterhost: {text[ErrorPrefix.Length..]}"
            : $"starterhost: the daemonized process (pid {pid}) failed to start; see the log file");
        return 1;
    }

    /// <summary>Called by the detached copy when it cannot start: the launcher prints the reason.</summary>
    public static void ReportFailure(string message) => Report(System.Text.Encoding.UTF8.GetBytes($"{ErrorPrefix}{message.ReplaceLineEndings(" ")}\n"));

    /// <summary>Called by the detached copy once it serves: releases the launching process.</summary>
    public static void ReportReady() => Report(ReadyMessage);

    private static void Report(byte[] message)
    {
        if (System.Environment.GetEnvironmentVariable(NotifyFdVariable) is not { } text
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
            return;
        System.Environment.SetEnvironmentVariable(NotifyFdVariable, null);
        try
        {
            Posix.WriteAll(fd, message);
        }
        catch (PosixException)
        {
            // The launcher is gone; nobody is waiting.
        }
        Posix.Close(fd);
    }
}
