using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>--readiness=notify: a generation has started when its worker says READY=1, not when a timer says so.</summary>
public sealed class NotifyReadinessTests
{
    private static readonly RuntimeSettings Notify = Defaults with
    {
        Readiness = ReadinessMode.Notify,
        StartTimeout = TimeSpan.FromSeconds(60),
        DrainTimeout = TimeSpan.FromSeconds(10),
        BackoffMax = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void ANewWorkerIsGivenTheStartTimeoutNotTheInterval()
    {
        var d = new MachineDriver(Notify).On(new Started()).On(new WorkerSpawned(1, 100));
        Assert.Equal(new StartTimer(new StartTimeoutElapsed(1, 100), TimeSpan.FromSeconds(60)), d.Single<StartTimer>());
        Assert.Empty(d.Timers<StartupIntervalElapsed>());
    }

    [Fact]
    public void ReadyFromTheNewWorkerAcceptsItAndRetiresTheOldOneAtOnce()
    {
        var d = Running(Notify).On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        Assert.False(d.Has<SignalWorkers>());
        d.On(new WorkerNotified(200, Ready: true, Status: null));
        Assert.Equal([new Worker(2, 200)], d.State.Roster.CurrentWorkers.ToArray());
        Assert.Equal([([100], SignalNames.Term, false)], d.Signals);
        Assert.Contains(new ReportReady(2), d.Last);
    }

    [Fact]
    public void TheIntervalMeansNothingInNotifyMode()
    {
        var d = Running(Notify).On(new HangupReceived()).On(new WorkerSpawned(2, 200)).On(new StartupIntervalElapsed(2, 200));
        Assert.Empty(d.Last);
        Assert.Equal(2, d.State.Roster.Pending?.Generation);
    }

    [Theory]
    [InlineData(100)]   // the serving worker announcing itself again
    [InlineData(4242)]  // nobody we know
    public void ReadyFromAnyoneButTheStartingWorkerChangesNothing(int pid)
    {
        var d = Running(Notify).On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        var before = d.State;
        d.On(new WorkerNotified(pid, Ready: true, Status: null));
        Assert.Equal(before, d.State);
    }

    [Fact]
    public void NoReadyWithinTheStartTimeoutStopsTheNewWorkerAndKeepsTheOldOneServing()
    {
        var d = Running(Notify).On(new HangupReceived()).On(new WorkerSpawned(2, 200)).On(new StartTimeoutElapsed(2, 200));
        Assert.Contains(new StartTimedOut(200, 2, TimeSpan.FromSeconds(60)), d.Said);
        Assert.Equal([([200], SignalNames.Term, false)], d.Signals);
        Assert.Contains(d.Timers<DrainDeadlineDue>(), t => t.Pids is [200]);
        // It never served: no status file names it, and the waiting client is told at once.
        Assert.Equal("1:100\n", StatusText(d.Single<WriteStatus>()));
        Assert.Equal("2 generation 2 was not ready within 60 s (no READY=1); generation 1 keeps serving, and StarterHost tries again", d.RestartFailureLine);
        // The first retry is immediate; the old worker is never signalled.
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
        Assert.DoesNotContain(d.Signals, s => s.Pids.Contains(100));
    }

    [Fact]
    public void AWorkerThatExitsBeforeReadyFailedToStartAndIsRetriedWithoutWaitingForAnInterval()
    {
        var d = Running(Notify).On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        d.On(new WorkerExited(200, ExitedThree));
        Assert.Contains(new NewWorkerFailed(200, ExitedThree), d.Said);
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
        Assert.Equal("generation 2 failed to start: worker 200 exited before sending READY=1, status:768 (exit code 3)", d.LastFailure);
    }

    [Fact]
    public void ATimeoutAfterReadyIsStale()
    {
        var d = Running(Notify).On(new HangupReceived()).Serve(2, 200).On(new StartTimeoutElapsed(2, 200));
        Assert.Empty(d.Last);
    }

    [Fact]
    public void AWorkersOwnStatusIsLoggedOnceAndShownInStatus()
    {
        var d = Running(Notify).On(new WorkerNotified(100, Ready: false, Status: "accepting connections"));
        Assert.Contains(new WorkerSaid(100, 1, "accepting connections"), d.Said);
        Assert.Equal("generation 1 (pid 100) serving: accepting connections", Text(d.Single<ReportStatus>()));
        d.On(new WorkerNotified(100, Ready: false, Status: "accepting connections"));
        Assert.Empty(d.Last);
    }

    /// <summary>A flood held back by the effect layer: the count of texts never shown is said before the latest, in that order.</summary>
    [Fact]
    public void StatusTextsHeldBackAreCountedInALineOfTheirOwnBeforeTheLatest()
    {
        var d = Running(Notify).On(new WorkerNotified(100, Ready: false, Status: "flood 5"));
        d.On(new WorkerNotified(100, Ready: false, Status: "flood 99", Unshown: 93));
        Assert.Equal([new WorkerStatusesNotShown(100, 1, 93), new WorkerSaid(100, 1, "flood 99")], d.Said);
        Assert.Equal("generation 1 (pid 100) serving: flood 99", Text(d.Single<ReportStatus>()));
    }
}
