using System.Text.Json;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// --status-json through the supervisor loop and the fake OS seam: the times stamped from its clock as it
/// spawns, signals and reaps, the file validated against docs/status.schema.json at every step, and READY=1
/// held until it is written. The status file beside it is written no more often than without it.
/// </summary>
public sealed class StatusJsonSupervisorTests : IDisposable
{
    private static readonly RuntimeSettings Pool = Generations.MachineDriver.Defaults with
    {
        DetailedStatus = true,
        Workers = 2,
        DrainTimeout = TimeSpan.FromSeconds(10),
        BackoffMax = TimeSpan.FromSeconds(30),
    };

    private readonly TempDirectory _dir = new();
    private SupervisorHarness _h = null!;
    private DateTime _start;

    public void Dispose() => _dir.Dispose();

    private string JsonFile => _dir.File("status.json");

    private string StatusFile => _dir.File("status");

    /// <summary>Started, and every worker spawned exec'd by its helper at once.</summary>
    private void Start(RuntimeSettings settings, string? jsonFile = null, bool withJson = true)
    {
        var json = withJson ? new StatusJsonWriter(jsonFile ?? JsonFile, new HostReport(1, "0.1.0-test", DateTime.UnixEpoch)) : null;
        _h = new SupervisorHarness(settings, status: new StatusFileWriter(StatusFile, 1), json: json);
        _start = _h.Clock.GetUtcNow().UtcDateTime;
        _h.Start().Exec();
    }

    private void Advance(double seconds) => _h.Advance(TimeSpan.FromSeconds(seconds));

    private DateTime At(double seconds) => _start.AddSeconds(seconds);

    /// <summary>The file as written, validated against the schema, and read back as --status reads it.</summary>
    private StatusReport Read(string? path = null)
    {
        string json = File.ReadAllText(path ?? JsonFile);
        StatusSchema.AssertValid(json);
        return JsonSerializer.Deserialize(json, StatusJsonContext.Default.StatusReport)!;
    }

    private static ProcessReport Process(StatusReport report, int pid) => Assert.Single(report.Processes, p => p.Pid == pid);

    [Fact]
    public void APoolThroughARestartIsStampedAsItIsSpawnedStartedSignalledAndReaped()
    {
        Start(Pool);
        var report = Read();
        Assert.Equal(new HostReport(1, "0.1.0-test", DateTime.UnixEpoch), report.Starterhost);
        Assert.Equal([(100, "starting", At(0)), (200, "starting", At(0))], report.Processes.Select(p => (p.Pid, p.State, p.StartedAt)));
        Assert.All(report.Processes, p => Assert.Null(p.ReadyAt));

        Advance(1);
        report = Read();
        Assert.All(report.Processes, p => Assert.Equal(("serving", At(1)), (p.State, p.ReadyAt)));
        Assert.Equal(At(1), report.WrittenAt);

        Advance(5);
        _h.Signal(SignalNames.Hup).Exec();
        report = Read();
        Assert.Equal(1, report.Restarts);
        Assert.Equal([(1, 0, 100, "serving"), (1, 1, 200, "serving"), (2, 0, 300, "starting"), (2, 1, 400, "starting")],
            report.Processes.Select(p => (p.Generation, p.Slot, p.Pid, p.State)));
        Assert.Equal(At(6), Process(report, 300).StartedAt);

        Advance(1);
        report = Read();
        Assert.Equal(("draining", At(7), "TERM"), (Process(report, 100).State, Process(report, 100).SignalledAt, Process(report, 100).Signal));
        Assert.Equal(("serving", At(7), (DateTime?)null), (Process(report, 300).State, Process(report, 300).ReadyAt, Process(report, 300).SignalledAt));
        // An old worker keeps the time it started.
        Assert.Equal(At(1), Process(report, 100).ReadyAt);

        _h.Clock.Advance(TimeSpan.FromSeconds(2));
        _h.Os.Exit(100, status: SignalNames.Term);
        _h.Os.Exit(200, status: 0);
        _h.Run();
        report = Read();
        Assert.Equal([300, 400], report.Processes.Select(p => p.Pid));
        Assert.Equal(new ExitReport(100, 1, SignalNames.Term, null, "TERM", At(9)), Process(report, 300).LastExit);
        Assert.Equal(new ExitReport(200, 1, 0, 0, null, At(9)), Process(report, 400).LastExit);
        Assert.Equal((0, null), (report.Failures, report.LastFailure));
    }

    [Fact]
    public void AFailureIsStampedWhenItHappensAndTheCrashedWorkersExitStaysWithItsSlot()
    {
        Start(Pool);
        Advance(1);
        Advance(30);
        _h.Os.Exit(200, status: SignalNames.Kill);
        _h.Run();
        var report = Read();
        Assert.Equal((1, 1), (report.Failures, report.ConsecutiveFailures));
        Assert.Equal(new FailureReport("generation 1 worker 200 (slot 1) died unexpectedly, status:9 (killed by SIGKILL)", At(31)), report.LastFailure);
        // Its replacement, in the same slot and generation, starts at once.
        var replacement = Process(report, 300);
        Assert.Equal((1, 1, "starting"), (replacement.Generation, replacement.Slot, replacement.State));
        Assert.Equal(new ExitReport(200, 1, SignalNames.Kill, null, "KILL", At(31)), replacement.LastExit);
        Assert.Null(Process(report, 100).LastExit);

        _h.Exec();
        Advance(2);
        report = Read();
        Assert.Equal(("serving", 0), (Process(report, 300).State, report.ConsecutiveFailures));
        Assert.Equal(At(31), report.LastFailure!.At);
    }

    [Fact]
    public void ReadyWaitsForTheJsonFileAndComesOnceItIsWritten()
    {
        string missing = _dir.File("not-yet");
        Start(Pool with { Workers = 1 }, jsonFile: Path.Combine(missing, "status.json"));
        Advance(1);
        Assert.Equal("1:100\n", File.ReadAllText(StatusFile));
        Assert.DoesNotContain("READY=1", _h.Service.Messages);
        Assert.Single(_h.Log.Lines, l => l.StartsWith("failed to write the status file:", StringComparison.Ordinal));

        Directory.CreateDirectory(missing);
        Advance(1);
        Assert.Equal("serving", Read(Path.Combine(missing, "status.json")).Processes.Single().State);
        Assert.Contains("READY=1", _h.Service.Messages);
    }

    [Fact]
    public void TheStatusFileIsWrittenOnlyWhenItsLinesChange()
    {
        Start(Pool with { Workers = 1 });
        Advance(1);
        Assert.Equal("1:100\n", File.ReadAllText(StatusFile));
        // Removed behind StarterHost's back: a write would bring it back.
        File.Delete(StatusFile);
        _h.Signal(SignalNames.Hup).Exec();
        Assert.Equal("starting", Process(Read(), 200).State);
        Assert.False(File.Exists(StatusFile));
        Advance(1);
        Assert.Equal("1:100\n2:200\n", File.ReadAllText(StatusFile));
    }

    [Fact]
    public void WithoutTheOptionThereIsNoJsonFile()
    {
        Start(Pool with { DetailedStatus = false }, withJson: false);
        Advance(1);
        Assert.Equal(["status"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void TheWriterRemovesOnlyAFileItWrote()
    {
        var writer = new StatusJsonWriter(JsonFile, new HostReport(1, "0.1.0-test", DateTime.UnixEpoch));
        File.WriteAllText(JsonFile, "someone else's");
        writer.Remove();
        Assert.True(File.Exists(JsonFile));
        Start(Pool);
        Assert.Equal(1, Read().Format);
        writer.Write(Read());
        writer.Remove();
        Assert.False(File.Exists(JsonFile));
    }
}
