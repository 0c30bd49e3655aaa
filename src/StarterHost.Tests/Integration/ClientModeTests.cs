using System.Diagnostics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// --restart, --stop and --reload (the ExecReload= command: returns when the new generation serves, fails
/// when it does not), ours and start_server's, against a running StarterHost.
/// </summary>
public sealed class ClientModeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public ClientModeTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private string PidFile => _dir.File("pid");
    private string StatusFile => _dir.File("status");

    private StarterProcess StartServer(string interval = "0.3")
    {
        var starter = StarterProcess.Start(
            ["--port=127.0.0.1:0", $"--pid-file={PidFile}", $"--status-file={StatusFile}", $"--interval={interval}", .. _worker.Command],
            _worker.Environment);
        int first = starter.WorkerPid(1);
        Eventually.True(() => File.Exists(StatusFile) && File.ReadAllText(StatusFile) == $"1:{first}\n", "generation 1 in the status file");
        return starter;
    }

    [Fact]
    public void RestartReturnsOnceTheNewGenerationAloneRuns()
    {
        using var starter = StartServer();
        int port = starter.BoundPort("127.0.0.1:0");
        var (code, output) = StarterProcess.Run(["--restart", $"--pid-file={PidFile}", $"--status-file={StatusFile}", "--timeout=30"]);
        Assert.True(code == 0, output);
        Assert.Contains("restart complete: generation 2 is running", output);
        int second = starter.WorkerPid(2);
        // Returned only after the old generation left: the status file already names generation 2 alone.
        Assert.Equal($"2:{second}\n", File.ReadAllText(StatusFile));
        Assert.StartsWith("gen=2 ", WorkerClient.Ask(port));
    }

    [Fact]
    public void RestartFailsAtOnceWithTheReasonWhenTheNewGenerationFailsToStart()
    {
        // A worker that exits at once must do so within the interval to count as failed: a wide margin.
        using var starter = StartServer(interval: "2");
        _worker.Fail();
        // The timeout is far away: only StarterHost's report of the failed start can end the client.
        var (code, output) = StarterProcess.Run(["--restart", $"--pid-file={PidFile}", $"--status-file={StatusFile}", "--timeout=600"]);
        Assert.Equal(1, code);
        int failed = int.Parse(starter.WaitForLine(@"new worker (\d+) seems to have failed to start").Groups[1].Value);
        Assert.Contains($"restart failed: generation 2 failed to start: worker {failed} exited within the interval, status:768 (exit code 3); generation 1 keeps serving, and StarterHost tries again", output);
    }

    [Fact]
    public void RestartGivesUpAtItsTimeoutWhileTheNewGenerationIsStillStarting()
    {
        // Generation 2 counts as started 3 s after the HUP at the earliest; the client gives up after 0.5 s.
        using var starter = StartServer(interval: "3");
        var (code, output) = StarterProcess.Run(["--restart", $"--pid-file={PidFile}", $"--status-file={StatusFile}", "--timeout=0.5"]);
        Assert.Equal(1, code);
        Assert.Contains("restart did not complete within 0.5 s: waiting for generation 2 or later to be the only one (generations running: 1)", output);
    }

    [Fact]
    public void StopReturnsOnceTheServerHasExited()
    {
        using var starter = StartServer();
        var (code, output) = StarterProcess.Run(["--stop", $"--pid-file={PidFile}", "--timeout=30"]);
        Assert.True(code == 0, output);
        Assert.Contains($"stopping now (pid:{starter.Pid})", output);
        Assert.True(starter.HasExited || starter.WaitForExit(TimeSpan.FromSeconds(5)) == 0);
        Assert.False(File.Exists(PidFile));
    }

    [Fact]
    public void StartServersOwnClientsDriveStarterHost()
    {
        if (!File.Exists("/usr/bin/start_server"))
            Assert.Fail("start_server is not installed (apt-get install libserver-starter-perl); .ci/run installs it");
        using var starter = StartServer();
        Assert.Equal(0, RunReference(starter, "--restart", $"--pid-file={PidFile}", $"--status-file={StatusFile}"));
        Assert.Equal($"2:{starter.WorkerPid(2)}\n", File.ReadAllText(StatusFile));
        Assert.Equal(0, RunReference(starter, "--stop", $"--pid-file={PidFile}"));
        Assert.Equal(0, starter.WaitForExit());
    }

    private (int Code, string Output) Reload(string timeout) =>
        StarterProcess.Run(["--reload", $"--pid-file={PidFile}", $"--status-file={StatusFile}", $"--timeout={timeout}"]);

    [Fact]
    public void ReloadReturnsOnceTheNewGenerationServesWithoutWaitingForTheOldToDrain()
    {
        // Old workers take a second to exit once signalled: a restart that waited for them would still be waiting.
        _worker.Slow();
        using var starter = StartServer();
        int port = starter.BoundPort("127.0.0.1:0");
        var (code, output) = Reload("30");
        Assert.True(code == 0, output);
        Assert.Contains("reload complete: generation 2 is serving", output);
        Assert.Contains($"2:{starter.WorkerPid(2)}", File.ReadAllText(StatusFile));
        Assert.StartsWith("gen=2 ", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 2));
    }

    [Fact]
    public void ReloadFailsAtOnceWithTheReasonWhenTheNewGenerationFailsToStart()
    {
        using var starter = StartServer(interval: "2");
        _worker.Fail();
        var (code, output) = Reload("600");
        Assert.Equal(1, code);
        Assert.Contains("reload failed: generation 2 failed to start: worker ", output);
        // The old generation serves on, untouched.
        Assert.False(_worker.Events.Has("signal .*gen=1"), "the old generation was signalled although no new one started");
    }

    [Fact]
    public void ReloadRequiresThePidAndStatusFiles()
    {
        var (code, output) = StarterProcess.Run(["--reload", $"--pid-file={PidFile}"]);
        Assert.Equal(1, code);
        Assert.Contains("--reload option requires --pid-file and --status-file", output);
    }

    private int RunReference(StarterProcess starter, params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/start_server") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var said = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StarterProcess.DefaultTimeout))
        {
            process.Kill();
            throw new TimeoutException($"start_server {string.Join(' ', args)} did not return; StarterHost said:\n{starter.Output}\nworker events:\n{string.Join('\n', _worker.Events.Lines)}");
        }
        said.Wait(StarterProcess.DefaultTimeout);
        return process.ExitCode;
    }
}
