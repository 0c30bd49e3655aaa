using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>
/// SIGUSR2, StarterHost upgrading itself in place: the new file's check, one upgrade at a time, the exec only once
/// nothing it would lose is under way, and what a waiting --upgrade client is told.
/// </summary>
public sealed class UpgradeTests
{
    /// <summary>Generation 1 (pid 100) serves; USR2 started the check of attempt 1.</summary>
    private static MachineDriver Checking(RuntimeSettings? settings = null)
    {
        var d = Running(settings).On(new UpgradeRequested());
        Assert.Equal(new RunUpgradeCheck(1), d.Single<RunUpgradeCheck>());
        Assert.Equal(new UpgradeCheckTimeoutDue(1), Assert.Single(d.Timers<UpgradeCheckTimeoutDue>()));
        Assert.Contains(new UpgradeChecking(1), d.Said);
        Assert.Equal("generation 1 (pid 100) serving; upgrading: checking the new file", d.StatusLine);
        return d;
    }

    [Fact]
    public void APassingCheckExecsOnceEverythingThatArrivedIsHandled()
    {
        var d = Checking().On(new UpgradeCheckFinished(1, "2.0.0", null));
        Assert.False(d.Has<ExecUpgrade>());
        Assert.Equal(new CancelTimer(new UpgradeCheckTimeoutDue(1)), d.Single<CancelTimer>());
        Assert.Equal("generation 1 (pid 100) serving; upgrading to 2.0.0", d.StatusLine);
        d.On(new UpgradeQuiet());
        Assert.Equal(new ExecUpgrade(1, "2.0.0"), d.Single<ExecUpgrade>());
        Assert.IsType<ExecUpgrade>(d.Last[^1]);
        Assert.Empty(d.Signals);
        Assert.Equal(UpgradePhase.Executing, d.State.Upgrade?.Phase);
    }

    [Fact]
    public void TheNewImageReportsSuccessAndCountsTheUpgrade()
    {
        var d = Checking().On(new UpgradeCheckFinished(1, "2.0.0", null)).On(new UpgradeQuiet());
        // What the new image restores: this state, then its first event.
        d = new MachineDriver(d.Settings, d.State).On(new UpgradeRestored(1, "2.0.0", TimeSpan.FromMilliseconds(38)));
        Assert.Equal(new ReportUpgrade(1, true, "2.0.0"), d.Single<ReportUpgrade>());
        // How long the exec took to supervising is said, as the new image measured it.
        Assert.Contains(new UpgradeDone("2.0.0", 1, TimeSpan.FromMilliseconds(38)), d.Said);
        Assert.Null(d.State.Upgrade);
        Assert.Equal(1, d.State.Counters.Upgrades);
        Assert.Equal("generation 1 (pid 100) serving", d.StatusLine);
        // The status file is written again by the new image.
        Assert.True(d.Has<WriteStatus>());
        Assert.Empty(d.Signals);
        Assert.False(d.Has<SpawnWorker>());
    }

    [Fact]
    public void ARefusedCheckLeavesEverythingAsItWasAndSaysWhy()
    {
        var d = Checking().On(new UpgradeCheckFinished(1, null, "/usr/bin/starterhost --upgrade-check exited with status 1: state schema 1 is not one this StarterHost reads"));
        Assert.Equal(new ReportUpgrade(1, false, "/usr/bin/starterhost --upgrade-check exited with status 1: state schema 1 is not one this StarterHost reads"), d.Single<ReportUpgrade>());
        Assert.Contains(d.Said, n => n is UpgradeRefused);
        Assert.Null(d.State.Upgrade);
        Assert.Empty(d.Signals);
        Assert.False(d.On(new UpgradeQuiet()).Has<ExecUpgrade>());
        Assert.Equal("generation 1 (pid 100) serving", d.StatusLine);
    }

    [Fact]
    public void ACheckThatDoesNotAnswerWithinTenSecondsIsKilledAndRefuses()
    {
        var d = Checking().On(new UpgradeCheckTimeoutDue(1));
        Assert.Equal(new StopUpgradeCheck(1), d.Single<StopUpgradeCheck>());
        Assert.StartsWith("the new file's --upgrade-check did not answer within 10 s", d.Single<ReportUpgrade>().Text);
        // Its exit, reaped later, changes nothing.
        Assert.Empty(d.On(new UpgradeCheckFinished(1, "2.0.0", null)).Last);
    }

    [Fact]
    public void OneUpgradeAtATime()
    {
        var d = Checking().On(new UpgradeRequested());
        Assert.False(d.Has<RunUpgradeCheck>());
        Assert.Contains(new UpgradeAlreadyRunning(1), d.Said);
        Assert.Equal(1, d.State.Counters.UpgradeAttempts);
        d.On(new UpgradeCheckFinished(1, "2.0.0", null)).On(new UpgradeRequested());
        Assert.Contains(new UpgradeAlreadyRunning(1), d.Said);
        Assert.Equal(new ExecUpgrade(1, "2.0.0"), d.On(new UpgradeQuiet()).Single<ExecUpgrade>());
    }

    [Fact]
    public void AHangupDuringTheCheckRestartsAsUsualAndTheExecWaitsOnlyForTheExecHelper()
    {
        var d = Checking().On(new HangupReceived());
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
        d.On(new WorkerSpawned(2, 200, AwaitsExec: true)).On(new UpgradeCheckFinished(1, "2.0.0", null));
        // The exec helper's report comes through a pipe the exec would close.
        Assert.Contains(new UpgradeWaits("2.0.0"), d.Said);
        Assert.False(d.On(new UpgradeQuiet()).Has<ExecUpgrade>());
        var interval = Assert.Single(d.On(new WorkerExecuted(200)).Timers<StartupIntervalElapsed>());
        // Its program runs and has not started: its --interval crosses the exec as a timer.
        Assert.Equal(new ExecUpgrade(1, "2.0.0"), d.On(new UpgradeQuiet()).Single<ExecUpgrade>());
        Assert.Empty(d.Signals);
        // The new image: the interval is over there, generation 2 serves and the old worker is signalled.
        d = new MachineDriver(d.Settings, d.State).On(new UpgradeRestored(1, "2.0.0")).On(interval);
        Assert.Equal([([100], SignalNames.Term, false)], d.Signals);
        Assert.Equal(2, d.State.Roster.Current?.Generation);
        Assert.Null(d.State.Roster.Pending);
    }

    [Fact]
    public void AWorkerThatHasNotSaidReadyCrossesTheExecAndItsReadyFinishesTheRestartThere()
    {
        var notify = Defaults with { Readiness = ReadinessMode.Notify, StartTimeout = TimeSpan.FromSeconds(60) };
        var d = Running(notify).On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        Assert.Single(d.Timers<StartTimeoutElapsed>());
        d.On(new UpgradeRequested()).On(new UpgradeCheckFinished(1, "2.0.0", null));
        Assert.Equal(new ExecUpgrade(1, "2.0.0"), d.On(new UpgradeQuiet()).Single<ExecUpgrade>());
        Assert.Equal(MemberPhase.Starting, d.State.Roster.PendingMember(200)?.Phase);
        d = new MachineDriver(d.Settings, d.State).On(new UpgradeRestored(1, "2.0.0")).On(new WorkerNotified(200, Ready: true, Status: null));
        Assert.Equal([([100], SignalNames.Term, false)], d.Signals);
        Assert.Equal(2, d.State.Roster.Current?.Generation);
    }

    [Fact]
    public void AnUpgradeWaitsForAPoolSlotsReplacementOnlyUntilItsProgramRuns()
    {
        var d = new MachineDriver(Pool).On(new Started()).ServePool(1, 100, 101, 102)
            .On(new UpgradeRequested()).On(new UpgradeCheckFinished(1, "2.0.0", null))
            .On(new WorkerExited(101, ExitedThree));
        Assert.Equal([(1, 1)], d.Spawns);
        d.On(new WorkerSpawned(1, 111, AwaitsExec: true, Slot: 1));
        Assert.False(d.On(new UpgradeQuiet()).Has<ExecUpgrade>());
        d.On(new WorkerExecuted(111));
        Assert.True(d.On(new UpgradeQuiet()).Has<ExecUpgrade>());
        d = new MachineDriver(d.Settings, d.State).On(new UpgradeRestored(1, "2.0.0")).Ready(1, 111);
        Assert.Equal(111, d.State.Roster.ServingMember(111)?.Pid);
    }

    [Fact]
    public void ACheckCommandRunningHoldsTheExecBack()
    {
        var d = Running(Defaults with { CheckBeforeRestart = true, CheckTimeout = TimeSpan.FromSeconds(10) }).On(new HangupReceived());
        var run = d.Single<RunCheck>();
        d.On(new CheckStarted(run.Serial, 300)).On(new UpgradeRequested()).On(new UpgradeCheckFinished(1, "2.0.0", null));
        Assert.Contains(new UpgradeWaits("2.0.0"), d.Said);
        Assert.False(d.On(new UpgradeQuiet()).Has<ExecUpgrade>());
    }

    [Fact]
    public void ABackoffPendingCrossesTheExecAsItsTimer()
    {
        // Two deaths in a row before a second of service: the second waits out the backoff.
        var d = new MachineDriver(Defaults with { Interval = TimeSpan.Zero, BackoffMax = TimeSpan.FromSeconds(30) }).On(new Started()).Serve(1, 100).On(new WorkerExited(100, ExitedThree));
        d.Serve(2, 200).On(new WorkerExited(200, ExitedThree));
        var retry = Assert.Single(d.Timers<RetryDue>());
        Assert.NotNull(d.State.Roster.Respawn);
        d.On(new UpgradeRequested()).On(new UpgradeCheckFinished(1, "2.0.0", null));
        Assert.True(d.On(new UpgradeQuiet()).Has<ExecUpgrade>());
        // The new image: the retry's timer fires there and the next generation starts.
        d = new MachineDriver(d.Settings, d.State).On(new UpgradeRestored(1, "2.0.0")).On(retry);
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
    }

    [Fact]
    public void TermDuringTheCheckAbandonsTheUpgrade()
    {
        var d = Checking().On(new TerminateReceived(SignalNames.Term));
        Assert.Equal(new StopUpgradeCheck(1), d.Single<StopUpgradeCheck>());
        Assert.Equal(new ReportUpgrade(1, false, "StarterHost is stopping"), d.Single<ReportUpgrade>());
        Assert.Null(d.State.Upgrade);
        Assert.False(d.On(new UpgradeRequested()).Has<RunUpgradeCheck>());
        Assert.Equal(new ReportUpgrade(2, false, "StarterHost is stopping"), d.Single<ReportUpgrade>());
    }

    [Fact]
    public void AFailedExecIsARefusal()
    {
        var d = Checking().On(new UpgradeCheckFinished(1, "2.0.0", null)).On(new UpgradeQuiet())
            .On(new UpgradeExecFailed(1, "cannot execute /usr/bin/starterhost: Permission denied"));
        Assert.Equal(new ReportUpgrade(1, false, "cannot execute /usr/bin/starterhost: Permission denied"), d.Single<ReportUpgrade>());
        Assert.Null(d.State.Upgrade);
    }

    [Fact]
    public void TheOldImageBackAfterARollbackSaysWhy()
    {
        var d = Checking().On(new UpgradeCheckFinished(1, "2.0.0", null)).On(new UpgradeQuiet());
        d = new MachineDriver(d.Settings, d.State).On(new UpgradeRolledBack(1, "Unknown option: no-such-option"));
        Assert.Equal(new ReportUpgrade(1, false, "rolled back: Unknown option: no-such-option"), d.Single<ReportUpgrade>());
        Assert.Equal(0, d.State.Counters.Upgrades);
        Assert.Null(d.State.Upgrade);
    }

    [Fact]
    public void AnUpgradeUnderWayCrossesTheExecAsJson()
    {
        var d = Checking().On(new UpgradeCheckFinished(1, "2.0.0", null)).On(new UpgradeQuiet());
        var snapshot = StateSnapshot.Of(d.State, [new ArmedTimer(new UpgradeCheckTimeoutDue(1), 42)]);
        Assert.Equal(snapshot, StateSnapshot.FromJson(snapshot.ToJson()));
    }
}
