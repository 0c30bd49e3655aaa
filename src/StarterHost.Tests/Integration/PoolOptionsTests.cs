using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>--workers, --handover, --max-worker-lifetime, --max-worker-rss: bound like every setting, refused in one line when bad.</summary>
public sealed class PoolOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    // One row launched, to prove the wiring; Configuration/RefusalTests and DeclaredOptionTests run the table in-process.
    [InlineData(new[] { "--workers=0", "--", "true" }, "Starter:Workers=0 (--workers) is out of range: expected 1 to 4096")]
    public void IsRefusedWithOneLineBeforeAnythingIsSpawned(string[] args, string expected)
    {
        var (code, output) = StarterProcess.Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, output);
        Assert.DoesNotContain("starting new worker", output);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("starterhost: ", StringComparison.Ordinal));
    }

    [Fact]
    public void WorkersAndHandoverBindFromTheStarterSection()
    {
        var worker = new TestWorker(_dir);
        File.WriteAllText(_dir.File("appsettings.json"), $$"""
            { "Starter": { "Port": [ "127.0.0.1:0" ], "Command": [ "perl", "{{TestWorker.Script}}" ], "Workers": 3, "Interval": 0.3 } }
            """);
        var environment = new Dictionary<string, string?>(worker.Environment) { ["Starter__Workers"] = "2" };
        using var starter = StarterProcess.Start(["--Starter:Handover=rolling"], environment, workingDirectory: _dir.Path);
        starter.WaitForLine(@"generation 1 is serving: 2 workers");
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine(@"generation 2 is serving: 2 workers");
        // Rolling: each old worker is told to go as its slot's successor starts, before the generation is whole.
        string log = starter.Output;
        Assert.True(log.IndexOf("sending TERM to old workers", StringComparison.Ordinal) < log.IndexOf("generation 2 is serving", StringComparison.Ordinal), log);
        Assert.DoesNotContain("slot 2", log);
    }

    [Fact]
    public void HelpListsThePoolOptions()
    {
        var (code, output) = StarterProcess.Run(["--help"]);
        Assert.Equal(0, code);
        foreach (string option in new[] { "--workers=N", "--handover=all|rolling", "--max-worker-lifetime=SECONDS", "--max-worker-rss=MB" })
            Assert.Contains(option, output);
    }
}
