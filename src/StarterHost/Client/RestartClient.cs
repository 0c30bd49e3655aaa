using System.Diagnostics;
using StarterHost.Configuration;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Status;

namespace StarterHost.Client;

/// <summary>
/// <c>--restart</c>: sends SIGHUP to the running superdaemon and waits until the status file names a
/// single generation newer than every one it named before, i.e. the new generation serves and the
/// old ones are gone. Fails instead of waiting forever when the server dies or --timeout passes.
/// <c>--reload</c> (for systemd's ExecReload=) returns as soon as the new generation serves, while the
/// old ones may still drain: the status file names a generation only once it has been accepted.
/// </summary>
internal static class RestartClient
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static void Run(StarterOptions options, TextWriter output, bool untilServing = false)
    {
        string pidFile = options.PidFile!;
        string statusFile = options.StatusFile!;
        int pid = PidFile.ReadPid(pidFile) ?? throw new ClientFailure($"failed to read a pid from {pidFile}");
        var before = StatusFileReader.Generations(statusFile) ?? throw new ClientFailure($"failed to open file:{statusFile}: no such file");
        if (before.Count == 0)
            throw new ClientFailure("no active process found in the status file");
        int waitFor = before[^1] + 1;

        if (!Posix.SendSignal(pid, SignalNames.Hup))
            throw new ClientFailure($"failed to send SIGHUP to the server process {pid}: no such process");

        var clock = Stopwatch.StartNew();
        var deadline = options.Timeout > 0 ? TimeSpan.FromSeconds(options.Timeout) : Timeout.InfiniteTimeSpan;
        while (true)
        {
            var now = StatusFileReader.Generations(statusFile);
            // ">=" where the reference has "==": a generation that failed to start is retried under
            // the next number, and that one completing the restart is a success.
            if (now is [var only] && only >= waitFor)
            {
                output.WriteLine($"restart complete: generation {only} is running");
                return;
            }
            if (untilServing && now is [.., var newest] && newest >= waitFor)
            {
                output.WriteLine($"reload complete: generation {newest} is serving");
                return;
            }
            if (!Posix.ProcessExists(pid))
                throw new ClientFailure($"the server process {pid} exited before the restart completed");
            if (deadline != Timeout.InfiniteTimeSpan && clock.Elapsed >= deadline)
            {
                string state = now is null ? "no status file" : $"generations running: {string.Join(',', now)}";
                if (untilServing)
                    throw new ClientFailure($"reload failed: generation {waitFor} or later did not start serving within {options.Timeout} s ({state})");
                throw new ClientFailure($"restart did not complete within {options.Timeout} s: waiting for generation {waitFor} or later to be the only one ({state})");
            }
            Thread.Sleep(PollInterval);
        }
    }
}
