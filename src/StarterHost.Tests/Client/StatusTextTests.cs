using StarterHost.Client;
using StarterHost.Status;

namespace StarterHost.Tests.Client;

/// <summary>--status for a human: the headline, a line per worker, the counters; and when the service counts as serving.</summary>
public sealed class StatusTextTests
{
    private static readonly DateTime T0 = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);

    private static ProcessReport Worker(int generation, int slot, int pid, string state) => new(generation, slot, pid, state, T0, null, null, null, null);

    private static StatusReport Report(string phase, params ProcessReport[] processes) =>
        new(StatusReport.CurrentFormat, new HostReport(42, "0.1.0", DateTime.UnixEpoch), T0, phase, 0, 0, 0, null, null, processes);

    [Theory]
    [InlineData("running", "serving", true)]
    [InlineData("running", "starting", false)]
    [InlineData("running", "ready", false)]
    [InlineData("running", "draining", false)]
    [InlineData("stopping", "serving", false)]
    public void ServingMeansRunningWithAWorkerServing(string phase, string state, bool serving) =>
        Assert.Equal(serving, StatusText.IsServing(Report(phase, Worker(1, 0, 100, state))));

    [Fact]
    public void NoWorkerAtAllIsNotServing() => Assert.False(StatusText.IsServing(Report("running")));

    [Fact]
    public void APoolDuringARestartReadsInAFewLines()
    {
        var report = Report("running",
            new ProcessReport(1, 0, 100, "draining", T0, T0.AddSeconds(1), T0.AddSeconds(60), "TERM", null),
            new ProcessReport(1, 1, 101, "serving", T0, T0.AddSeconds(1.5), null, null, new ExitReport(99, 1, 9, null, "KILL", T0.AddSeconds(30))),
            new ProcessReport(2, 0, 200, "ready", T0.AddSeconds(59), T0.AddSeconds(60), null, null, null),
            new ProcessReport(2, 1, 201, "starting", T0.AddSeconds(59), null, null, null, null))
            with { Restarts = 1, Failures = 1, LastFailure = new FailureReport("generation 1 worker 99 (slot 1) died unexpectedly", T0.AddSeconds(30)) };
        string[] expected =
        [
            "starterhost 0.1.0 (pid 42): serving, generation 1 (1 worker); generation 2 starting (1/2 ready)",
            "  generation 1 slot 0 pid 100: draining, sent TERM 2 s ago",
            "  generation 1 slot 1 pid 101: serving for 1 min 0 s (started in 1.5 s); last exit in slot 1: pid 99 (generation 1) killed by SIGKILL, 32 s ago",
            "  generation 2 slot 0 pid 200: ready for 2 s (started in 1 s)",
            "  generation 2 slot 1 pid 201: starting for 3 s",
            "restarts: 1, failures: 1",
            "last failure, 32 s ago: generation 1 worker 99 (slot 1) died unexpectedly",
        ];
        Assert.Equal(expected, StatusText.Describe(report, T0.AddSeconds(62)));
    }

    [Fact]
    public void NothingServingSaysSoAndWhatFailed()
    {
        var report = Report("running", Worker(3, 0, 300, "starting")) with
        {
            Failures = 2,
            ConsecutiveFailures = 2,
            RestartFailure = new RestartFailureReport(3, "generation 3 failed to start"),
        };
        var lines = StatusText.Describe(report, T0.AddSeconds(1)).ToList();
        Assert.Equal("starterhost 0.1.0 (pid 42): not serving: generation 3 starting (0/1 ready)", lines[0]);
        Assert.Contains("restarts: 0, failures: 2 (2 in a row)", lines);
        Assert.Equal("restart to generation 3 failed: generation 3 failed to start", lines[^1]);
    }

    [Fact]
    public void TwoGenerationsServingAreBothNamed() =>
        Assert.Equal("starterhost 0.1.0 (pid 42): serving, generations 1 and 2 (2 workers)",
            StatusText.Describe(Report("running", Worker(1, 0, 100, "serving"), Worker(2, 0, 200, "serving")), T0).First());

    [Fact]
    public void StoppingSaysHowManyAreLeft() =>
        Assert.Equal("starterhost 0.1.0 (pid 42): stopping, 2 workers left",
            StatusText.Describe(Report("stopping", Worker(1, 0, 100, "draining"), Worker(1, 1, 101, "killed")), T0).First());

    [Theory]
    [InlineData(0.3, "0.3 s")]
    [InlineData(9.96, "10 s")]
    [InlineData(59, "59 s")]
    [InlineData(192, "3 min 12 s")]
    [InlineData(7380, "2 h 3 min")]
    [InlineData(360000, "4 d 4 h")]
    [InlineData(-1, "0 s")]
    public void DurationsHaveTwoUnitsAtMost(double seconds, string text) =>
        Assert.Equal(text, StatusText.Duration(TimeSpan.FromSeconds(seconds)));
}
