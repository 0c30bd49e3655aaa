using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>
/// What the machine publishes for --status-json: every live worker and its state, the counters, the last
/// failure; and, without the option, the very documents (and writes) it published before.
/// </summary>
public sealed class StatusDetailTests
{
    private static readonly RuntimeSettings Detailed = Defaults with { DetailedStatus = true, DrainTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>The processes of the last document written, as "generation/slot/pid state".</summary>
    private static string[] Processes(MachineDriver d) =>
        [.. d.Last.OfType<WriteStatus>().Last().Document.Detail!.Processes.Select(p => $"{p.Worker.Generation}/{p.Worker.Slot}/{p.Worker.Pid} {p.State}")];

    private static StatusDetail Detail(MachineDriver d) => d.State.StatusDocument.Detail!;

    [Fact]
    public void WithoutTheOptionTheDocumentHasNoDetailAndAStartingWorkerWritesNothing()
    {
        var d = new MachineDriver(Defaults with { DrainTimeout = TimeSpan.FromSeconds(10) }).On(new Started());
        Assert.False(d.Has<WriteStatus>());
        d.On(new WorkerSpawned(1, 100));
        Assert.False(d.Has<WriteStatus>());
        d.On(new StartupIntervalElapsed(1, 100));
        Assert.Null(d.Single<WriteStatus>().Document.Detail);
        d.On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        Assert.False(d.Has<WriteStatus>());
    }

    [Fact]
    public void AWorkerIsStartingThenServingThenDrainingThroughARestart()
    {
        var d = new MachineDriver(Detailed).On(new Started());
        // Written at once, before any pid: the file exists from the start.
        Assert.Empty(Processes(d));
        d.On(new WorkerSpawned(1, 100));
        Assert.Equal(["1/0/100 Starting"], Processes(d));
        Assert.Equal("", StatusText(d.Single<WriteStatus>()));
        d.On(new StartupIntervalElapsed(1, 100));
        Assert.Equal(["1/0/100 Serving"], Processes(d));
        Assert.Equal(0, Detail(d).Restarts);

        d.On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        Assert.Equal(["1/0/100 Serving", "2/0/200 Starting"], Processes(d));
        Assert.Equal(1, Detail(d).Restarts);
        d.On(new StartupIntervalElapsed(2, 200));
        Assert.Equal(["1/0/100 Draining", "2/0/200 Serving"], Processes(d));
        d.On(new DrainDeadlineDue([100]));
        Assert.Equal(["1/0/100 Killed", "2/0/200 Serving"], Processes(d));
        d.On(new WorkerExited(100, Killed));
        Assert.Equal(["2/0/200 Serving"], Processes(d));
        Assert.False(Detail(d).Stopping);
    }

    [Fact]
    public void AnOldWorkerServesOnWhileTheKillOldDelayRuns()
    {
        var d = Running(Detailed with { KillOldDelay = TimeSpan.FromSeconds(5) }).On(new HangupReceived()).Serve(2, 200);
        Assert.Equal(["1/0/100 Serving", "2/0/200 Serving"], Processes(d));
        d.On(Assert.Single(d.Timers<KillOldDelayElapsed>()));
        Assert.Equal(["1/0/100 Draining", "2/0/200 Serving"], Processes(d));
    }

    [Fact]
    public void APoolMemberThatStartedIsReadyUntilItsWholeGenerationHas()
    {
        var pool = Detailed with { Workers = 2, Readiness = ReadinessMode.Notify, StartTimeout = TimeSpan.FromSeconds(60) };
        var d = new MachineDriver(pool).On(new Started()).Spawn(1, 100, 200).Ready(1, 200);
        Assert.Equal(["1/0/100 Starting", "1/1/200 Ready"], Processes(d));
        d.Ready(1, 100);
        Assert.Equal(["1/0/100 Serving", "1/1/200 Serving"], Processes(d));
    }

    [Fact]
    public void AStopDrainsEveryWorkerAndItsDeadlineKillsThem()
    {
        var d = Running(Detailed).On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        d.On(new TerminateReceived(SignalNames.Term));
        Assert.Equal(["1/0/100 Draining", "2/0/200 Draining"], Processes(d));
        Assert.True(Detail(d).Stopping);
        d.On(new StopDeadlineDue());
        Assert.Equal(["1/0/100 Killed", "2/0/200 Killed"], Processes(d));
    }

    [Fact]
    public void FailedStartsAndRefusedChecksAreCountedAndTheLastIsNamed()
    {
        var d = Running(Detailed with { CheckBeforeRestart = true, CheckTimeout = TimeSpan.FromSeconds(10) });
        d.On(new HangupReceived()).On(new CheckStarted(1, 50)).On(new CheckFinished(50, ExitedThree, ""));
        Assert.Equal((0, 1, 0), (Detail(d).Restarts, Detail(d).Failures, Detail(d).ConsecutiveFailures));
        Assert.StartsWith("restart refused: the check command failed", Text(Detail(d).LastFailure!));

        d.On(new HangupReceived()).On(new CheckStarted(2, 51)).On(new CheckFinished(51, ExitedZero, ""));
        d.On(new WorkerSpawned(2, 200)).On(new WorkerExited(200, ExitedThree));
        Assert.Equal((1, 2, 1), (Detail(d).Restarts, Detail(d).Failures, Detail(d).ConsecutiveFailures));
        Assert.Equal("generation 2 failed to start: worker 200 exited within the interval, status:768 (exit code 3)", Text(Detail(d).LastFailure!));
        Assert.Equal(["1/0/100 Serving"], Processes(d));
    }

    [Fact]
    public void ReadyWaitsUntilTheDetailedDocumentIsWritten()
    {
        var d = new MachineDriver(Detailed) { StatusFails = "No space left on device" };
        d.On(new Started()).On(new WorkerSpawned(1, 100)).On(new StartupIntervalElapsed(1, 100));
        Assert.False(d.Has<ReportReady>());
        d.StatusFails = null;
        d.On(new StatusRetryDue());
        Assert.Equal(["1/0/100 Serving"], Processes(d));
        Assert.Contains(new ReportReady(1), d.Last);
        Assert.True(d.Last.IndexOf(d.Last.OfType<WriteStatus>().Last()) < d.Last.IndexOf(new ReportReady(1)));
    }
}
