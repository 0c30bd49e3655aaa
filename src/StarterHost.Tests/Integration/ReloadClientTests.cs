using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary><c>--reload</c>, the ExecReload= command: returns when the new generation serves, fails when it does not.</summary>
public sealed class ReloadClientTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public ReloadClientTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private string PidFile => _dir.File("pid");
    private string StatusFile => _dir.File("status");

    private StarterProcess StartServer()
    {
        var starter = StarterProcess.Start(
            ["--port=127.0.0.1:0", $"--pid-file={PidFile}", $"--status-file={StatusFile}", "--interval=0.3", .. _worker.Command],
            _worker.Environment);
        int first = starter.WorkerPid(1);
        Eventually.True(() => File.Exists(StatusFile) && File.ReadAllText(StatusFile) == $"1:{first}\n", "generation 1 in the status file");
        return starter;
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
    public void ReloadFailsWithAReasonWhenTheNewGenerationNeverStarts()
    {
        using var starter = StartServer();
        _worker.Fail();
        var (code, output) = Reload("2");
        Assert.Equal(1, code);
        Assert.Contains("reload failed: generation 2 or later did not start serving within 2 s (generations running: 1)", output);
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
}
