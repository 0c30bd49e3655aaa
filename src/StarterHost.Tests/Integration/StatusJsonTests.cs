using System.Text.Json;
using System.Text.RegularExpressions;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// --status-json and --status with real processes: a pool through a restart, read from the file (which must
/// validate against docs/status.schema.json every time) and from --status, whose exit status says whether the
/// service serves (0), StarterHost runs but nothing serves (2), or StarterHost is gone (3).
/// </summary>
public sealed class StatusJsonTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public StatusJsonTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private string JsonFile => _dir.File("status.json");

    private string StatusFile => _dir.File("status");

    private StarterProcess Start(params string[] options) =>
        StarterProcess.Start(["--port=127.0.0.1:0", $"--status-file={StatusFile}", $"--status-json={JsonFile}", .. options, .. _worker.Command], _worker.Environment);

    /// <summary>The file as it is now, validated, or null when there is none.</summary>
    private StatusReport? Read()
    {
        string json;
        try
        {
            json = File.ReadAllText(JsonFile);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        StatusSchema.AssertValid(json);
        return JsonSerializer.Deserialize(json, StatusJsonContext.Default.StatusReport);
    }

    /// <summary>Waits until the file says what <paramref name="says"/> wants; returns that report.</summary>
    private StatusReport WaitFor(Func<StatusReport, bool> says, string what) =>
        Eventually.Get(() => Read() is { } report && says(report) ? report : null, what);

    private static string States(StatusReport report) =>
        string.Join(",", report.Processes.Select(p => $"{p.Generation}/{p.Slot}:{p.State}"));

    /// <summary>--status, found through the key as a configuration file or the environment would give it.</summary>
    private OneShot Status() => OneShot.Run(["--status", $"--Starter:StatusJson={JsonFile}"], workingDirectory: _dir.Path);

    [Fact]
    public void WritingTheStatusFilesLoadsNoOpenSsl()
    {
        // .NET's RandomNumberGenerator is OpenSSL's on Linux: its first call, for a temporary file's name, would map
        // libssl and libcrypto (3.7 MB resident) into every StarterHost that writes a status file.
        using var starter = Start();
        starter.WaitForLine(@"generation 1 \(pid \d+\) is serving");
        WaitFor(r => States(r) == "1/0:serving", "generation 1 serving in the file");

        string[] mapped = File.ReadAllLines($"/proc/{starter.Pid}/maps");
        Assert.Contains(mapped, line => line.Contains("/libc.so"));
        Assert.DoesNotContain(mapped, line => line.Contains("/libssl.so") || line.Contains("/libcrypto.so"));
    }

    [Fact]
    public void APoolThroughARestartIsInTheFileAndStatusSaysItServes()
    {
        using var starter = Start("--workers=2", "--readiness=notify", "--start-timeout=60");
        var first = starter.WaitForLine(@"generation 1 is serving: 2 workers, pids (\d+),(\d+)");
        var report = WaitFor(r => States(r) == "1/0:serving,1/1:serving", "generation 1 serving in the file");
        Assert.Equal((starter.Pid, 0, 0), (report.Starterhost.Pid, report.Restarts, report.Failures));
        Assert.Equal(new[] { int.Parse(first.Groups[1].Value), int.Parse(first.Groups[2].Value) }.Order(), report.Processes.Select(p => p.Pid).Order());
        Assert.All(report.Processes, p => Assert.True(p.StartedAt <= p.ReadyAt && p.ReadyAt <= report.WrittenAt, $"{p.StartedAt:O} {p.ReadyAt:O} {report.WrittenAt:O}"));

        var status = Status();
        Assert.True(status.ExitCode == 0, status.Stdout + status.Stderr);
        Assert.Matches($@"^starterhost \S+ \(pid {starter.Pid}\): serving, generation 1 \(2 workers\)\n", status.Stdout);
        Assert.Matches($@"\n  generation 1 slot 1 pid {report.Processes[1].Pid}: serving for ", status.Stdout);

        // The new generation's workers hold READY=1 back: the restart is caught half-way.
        _worker.Hold();
        starter.Signal(SignalNames.Hup);
        report = WaitFor(r => States(r) == "1/0:serving,1/1:serving,2/0:starting,2/1:starting", "generation 2 starting in the file");
        Assert.Equal(1, report.Restarts);
        status = Status();
        Assert.True(status.ExitCode == 0, status.Stdout + status.Stderr);
        Assert.StartsWith($"starterhost {report.Starterhost.Version} (pid {starter.Pid}): serving, generation 1 (2 workers); generation 2 starting (0/2 ready)\n", status.Stdout);
        var old = report.Processes.Where(p => p.Generation == 1).ToList();

        _worker.Hold(false);
        starter.WaitForLine("generation 2 is serving: 2 workers");
        foreach (var worker in old)
            starter.WaitForLine($"old worker {worker.Pid} died");
        report = WaitFor(r => States(r) == "2/0:serving,2/1:serving", "generation 2 alone in the file");
        foreach (var worker in report.Processes)
        {
            var gone = old.Single(o => o.Slot == worker.Slot);
            // The echo worker exits 0 on TERM.
            Assert.Equal((gone.Pid, 1, 0, (string?)null), (worker.LastExit!.Pid, worker.LastExit.Generation, worker.LastExit.ExitCode, worker.LastExit.Signal));
            Assert.True(worker.LastExit.At >= worker.ReadyAt, "the old worker exited after its successor started");
        }
        // The status file beside it is start_server's, byte for byte.
        Assert.Equal(string.Concat(report.Processes.Select(p => p.Pid).Order().Select(pid => $"2:{pid}\n")), File.ReadAllText(StatusFile));
        status = Status();
        Assert.True(status.ExitCode == 0, status.Stdout + status.Stderr);
        Assert.Matches($@"last exit in slot 0: pid {old[0].Pid} \(generation 1\) exit code 0, ", status.Stdout);
        Assert.Contains("\nrestarts: 1, failures: 0\n", status.Stdout);

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.False(File.Exists(JsonFile), "the file outlived StarterHost");
        status = Status();
        Assert.Equal((3, $"starterhost is not running: there is no {JsonFile}\n", ""), (status.ExitCode, status.Stdout, status.Stderr));
    }

    [Fact]
    public void WhileEveryStartFailsStatusSaysNothingServesAndWhy()
    {
        _worker.Fail();
        // A worker that exits at once must do so within the interval to count as failed: a wide margin.
        using var starter = Start("--interval=2");
        var report = WaitFor(r => r.Failures >= 1, "a failed start in the file");
        // The first retry comes at once: the file may show a later attempt's failure already.
        Assert.Matches(@"^generation \d+ failed to start: worker \d+ exited within the interval", report.LastFailure!.Reason);

        var status = Status();
        Assert.True(status.ExitCode == 2, status.Stdout + status.Stderr);
        Assert.Matches($@"^starterhost \S+ \(pid {starter.Pid}\): not serving", status.Stdout);
        Assert.Matches(@"\nlast failure, [^:]+ ago: generation \d+ failed to start: worker \d+ exited within the interval", status.Stdout);
    }

    [Fact]
    public void AFileLeftByAKilledStarterHostSaysItIsNotRunning()
    {
        using var starter = Start("--interval=0.2");
        WaitFor(r => States(r) == "1/0:serving", "generation 1 serving in the file");
        starter.Signal(SignalNames.Kill);
        starter.WaitForExit();
        Assert.True(File.Exists(JsonFile));

        var status = Status();
        Assert.Equal(3, status.ExitCode);
        Assert.Equal($"starterhost is not running: {JsonFile} was left by pid {starter.Pid}, which has exited\n", status.Stdout);
    }

    [Fact]
    public void AFileThatIsNoStatusIsOneLineAndExitOne()
    {
        File.WriteAllText(JsonFile, "{\"format\": 1}");
        var status = Status();
        Assert.Equal(1, status.ExitCode);
        Assert.Matches($"^starterhost: failed to read {Regex.Escape(JsonFile)}: not a StarterHost status: ", Assert.Single(status.StderrLines));
        File.WriteAllText(JsonFile, "{\"format\": 2}");
        Assert.Equal([$"starterhost: {JsonFile} is of format 2; this starterhost reads format 1"], Status().StderrLines);
    }
}
