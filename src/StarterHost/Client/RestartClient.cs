using System.Diagnostics;
using StarterHost.Configuration;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Status;

namespace StarterHost.Client;

/// <summary>
/// <c>--restart</c>: sends SIGHUP to the running superdaemon and waits until the status file names a
/// single generation newer than every one it named before, i.e. the new generation serves and the
/// old ones are gone. <c>--reload</c> (for systemd's ExecReload=) returns as soon as the new generation
/// serves, while the old ones may still drain: the status file names a generation only once it has
/// been accepted. Both fail, with the reason, as soon as StarterHost reports the new generation failed
/// to start, when the server dies, when the status file is stale, or when --timeout passes.
/// </summary>
internal static class RestartClient
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>StarterHost rewrites the file as soon as it reaps a worker; a dead pid listed longer than this means it cannot.</summary>
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(2);

    public static void Run(StarterOptions options, TextWriter output, bool untilServing = false)
    {
        string pidFile = options.PidFile!;
        string statusFile = options.StatusFile!;
        string what = untilServing ? "reload" : "restart";
        int pid = PidFile.ReadPid(pidFile) ?? throw new ClientFailure($"failed to read a pid from {pidFile}");
        var before = StatusFileReader.Generations(statusFile) ?? throw new ClientFailure($"failed to open file:{statusFile}: no such file");
        if (before.Count == 0)
            throw new ClientFailure("no active process found in the status file");
        int waitFor = before[^1] + 1;
        // A failure already reported before this HUP (a refused check, an abandoned restart) is not this restart's.
        string failureFile = StatusFileWriter.FailureFileOf(statusFile);
        var earlierFailure = FailureSnapshot(failureFile);

        if (!Posix.SendSignal(pid, SignalNames.Hup))
            throw new ClientFailure($"failed to send SIGHUP to the server process {pid}: no such process");

        var clock = Stopwatch.StartNew();
        var deadline = options.Timeout > 0 ? TimeSpan.FromSeconds(options.Timeout) : Timeout.InfiniteTimeSpan;
        var deadSince = new Dictionary<int, TimeSpan>();
        while (true)
        {
            var now = StatusFileReader.Entries(statusFile);
            var generations = now is null ? null : StatusFileReader.Generations(now);
            // Read after the status file, and written before it: a generation the status file names is
            // known failed here (a pool's rolling handover lists the started workers of a failed attempt).
            var failure = FailureSnapshot(failureFile) is { } written && written != earlierFailure
                ? StatusFileReader.ParseFailure(written.Text)
                : null;
            // ">=" where the reference has "==": a later generation completes the restart as well (one that
            // a queued HUP started, say).
            if (generations is [var only] && only >= waitFor && !(failure?.Generation >= only))
            {
                output.WriteLine($"restart complete: generation {only} is running");
                return;
            }
            if (untilServing && generations is [.., var newest] && newest >= waitFor && !(failure?.Generation >= newest))
            {
                output.WriteLine($"reload complete: generation {newest} is serving");
                return;
            }
            if (failure is { } failed && failed.Generation >= waitFor)
                throw new ClientFailure($"{what} failed: {failed.Reason}");
            if (!Posix.ProcessExists(pid))
                throw new ClientFailure($"the server process {pid} exited before the {what} completed");
            if (StaleEntry(now, deadSince, clock.Elapsed) is { } stale)
                throw new ClientFailure($"{what} failed: the status file {statusFile} is stale: it lists pid {stale}, which has exited; StarterHost cannot rewrite it (see its log)");
            if (deadline != Timeout.InfiniteTimeSpan && clock.Elapsed >= deadline)
            {
                string state = generations is null ? "no status file" : $"generations running: {string.Join(',', generations)}";
                if (untilServing)
                    throw new ClientFailure($"reload failed: generation {waitFor} or later did not start serving within {options.Timeout} s ({state})");
                throw new ClientFailure($"restart did not complete within {options.Timeout} s: waiting for generation {waitFor} or later to be the only one ({state})");
            }
            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>
    /// What the failure file says and when it was written, both of the one file opened (it is replaced whole
    /// by a rename, or removed, at any moment), or null.
    /// </summary>
    private static (string Text, DateTime Written)? FailureSnapshot(string path)
    {
        try
        {
            using var file = File.OpenHandle(path);
            var bytes = new byte[RandomAccess.GetLength(file)];
            int read = RandomAccess.Read(file, bytes, 0);
            return (System.Text.Encoding.UTF8.GetString(bytes, 0, read), File.GetLastWriteTimeUtc(file));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A listed pid that has been gone for longer than <see cref="StaleAfter"/>, or null.</summary>
    private static int? StaleEntry(IReadOnlyList<(int Generation, int Pid)>? entries, Dictionary<int, TimeSpan> deadSince, TimeSpan now)
    {
        foreach (var (_, pid) in entries ?? [])
        {
            if (Posix.ProcessExists(pid))
            {
                deadSince.Remove(pid);
                continue;
            }
            if (!deadSince.TryGetValue(pid, out var since))
                deadSince[pid] = now;
            else if (now - since >= StaleAfter)
                return pid;
        }
        return null;
    }
}
