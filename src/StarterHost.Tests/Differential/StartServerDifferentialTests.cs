using System.Text.RegularExpressions;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Differential;

/// <summary>
/// The same scenario under Debian's start_server (the reference, package libserver-starter-perl)
/// and under StarterHost, with the same worker; what a worker, a monitoring check and an
/// operator can observe must be the same.
/// </summary>
public sealed class StartServerDifferentialTests
{
    private const string Reference = "/usr/bin/start_server";

    /// <summary>What one run let us observe, with pids and descriptor numbers made symbolic.</summary>
    private sealed record Observed(
        string Ports, string Generations, string StatusAfterStart, string StatusAfterRestart, string PidFile,
        string Answers, string OldWorkerEvents, int ExitCode, bool FilesLeft, string[] LogLines);

    [Fact]
    public void RestartAndStopLookTheSameAsUnderStartServer()
    {
        Assert.True(File.Exists(Reference), $"{Reference} is missing: apt-get install -y libserver-starter-perl (.ci/run does)");
        var reference = Run(Reference);
        var ours = Run(StarterProcess.ExecutablePath);

        Assert.Equal(reference with { LogLines = [] }, ours with { LogLines = [] });
        Assert.Contains("received HUP, spawning a new worker", reference.LogLines);

        // Every line start_server prints, StarterHost prints too and in the same order; it may
        // add detail at the end of a line ("status:0 (exit code 0)") and lines of its own.
        int next = 0;
        foreach (string line in reference.LogLines)
        {
            while (next < ours.LogLines.Length && !ours.LogLines[next].StartsWith(line, StringComparison.Ordinal))
                next++;
            Assert.True(next < ours.LogLines.Length, $"start_server said \"{line}\"; StarterHost did not, in order:\n{string.Join('\n', ours.LogLines)}");
            next++;
        }
    }

    private static Observed Run(string executable)
    {
        using var dir = new TempDirectory();
        var worker = new TestWorker(dir);
        string socket = dir.File("s.sock"), status = dir.File("status"), pidFile = dir.File("pid");
        string[] args =
        [
            "--port=127.0.0.1:0", "--port=[::1]:0", $"--path={socket}", $"--status-file={status}", $"--pid-file={pidFile}",
            "--interval=1", .. worker.Command,
        ];
        var names = new Dictionary<string, string>();
        string Name(string pid, string role) => names.TryGetValue(pid, out var n) ? n : names[pid] = role;

        using var starter = StarterProcess.StartProgram(executable, args, worker.Environment);
        Name(starter.Pid.ToString(), "S");
        var ready1 = worker.Events.WaitFor(@"ready .* ports=(?<ports>\S*) .*gen=(?<gen>\d+) pid=(?<pid>\d+)");
        Name(ready1.Groups["pid"].Value, "W1");
        string statusAfterStart = Eventually.Get(() => ReadIfExists(status) is { Length: > 0 } s ? s : null, "the status file");
        string pid = Eventually.Get(() => ReadIfExists(pidFile) is { Length: > 0 } s ? s : null, "the pid file");
        string answer1 = WorkerClient.Ask(socket);

        starter.Signal(SignalNames.Hup);
        var ready2 = worker.Events.WaitFor($@"ready .*gen=(?<gen>\d+) pid=(?!{ready1.Groups["pid"].Value}\b)(?<pid>\d+)");
        Name(ready2.Groups["pid"].Value, "W2");
        worker.Events.WaitFor($"exit gen=1 pid={ready1.Groups["pid"].Value}");
        string statusAfterRestart = Eventually.Get(() => ReadIfExists(status) is { } s && s.StartsWith("2:", StringComparison.Ordinal) ? s : null, "the status file after the restart");
        string answer2 = WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(socket), 2);
        string oldWorkerEvents = string.Join(',', worker.Events.Lines.Where(l => l.EndsWith($"pid={ready1.Groups["pid"].Value}", StringComparison.Ordinal)).Select(l => l.Split(" gen=")[0].Split(" fds=")[0]));

        starter.Signal(SignalNames.Term);
        int exitCode = starter.WaitForExit();
        bool filesLeft = File.Exists(status) || File.Exists(pidFile) || File.Exists(socket);

        string Symbolic(string text) => Regex.Replace(text, @"\d{2,}", m => names.TryGetValue(m.Value, out var n) ? n : m.Value);
        var logLines = starter.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => Regex.Replace(l, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", ""))
            .Select(l => Regex.Replace(l, @"^(start_server|starterhost) \(pid:", "SELF (pid:"))
            .Select(Symbolic)
            .ToArray();
        return new Observed(
            Ports: Regex.Replace(ready1.Groups["ports"].Value.Replace(socket, "SOCK", StringComparison.Ordinal), @"=\d+", "=FD"),
            Generations: $"{ready1.Groups["gen"].Value},{ready2.Groups["gen"].Value}",
            StatusAfterStart: Symbolic(statusAfterStart),
            StatusAfterRestart: Symbolic(statusAfterRestart),
            PidFile: Symbolic(pid),
            Answers: Symbolic(answer1.Replace(socket, "SOCK", StringComparison.Ordinal)) + " / " + Symbolic(answer2.Replace(socket, "SOCK", StringComparison.Ordinal)),
            OldWorkerEvents: oldWorkerEvents,
            ExitCode: exitCode,
            FilesLeft: filesLeft,
            LogLines: logLines);
    }

    private static string? ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
