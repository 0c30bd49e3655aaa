using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>--check-command: HUP → run the check → spawn, or refuse while the old generation serves on.</summary>
public sealed class CheckCommandTests
{
    private static readonly RuntimeSettings Checked = Defaults with { CheckBeforeRestart = true, CheckTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>Generation 1 (pid 100) serves; a HUP started check run 1 for generation 2, which runs as pid 50.</summary>
    private static MachineDriver Checking()
    {
        var d = Running(Checked).On(new HangupReceived());
        Assert.Equal(new RunCheck(1, 2), d.Single<RunCheck>());
        Assert.False(d.Has<SpawnWorker>());
        Assert.False(d.Has<ReportReloading>());
        Assert.Equal(new CheckTimeoutDue(1), Assert.Single(d.Timers<CheckTimeoutDue>()));
        return d.On(new CheckStarted(1, 50));
    }

    [Fact]
    public void APassingCheckSpawnsTheNextGeneration()
    {
        var d = Checking().On(new CheckFinished(50, ExitedZero, ""));
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
        Assert.Contains(new CheckPassed(2), d.Said);
        Assert.Contains(new HangupSpawning(), d.Said);
        Assert.True(d.Has<ReportReloading>());
    }

    [Fact]
    public void AFailingCheckRefusesTheRestartAndTheOldGenerationServesOn()
    {
        var d = Checking().On(new CheckFinished(50, ExitedThree, "syntax error at line 3"));
        Assert.False(d.Has<SpawnWorker>());
        Assert.Equal([new Worker(1, 100)], d.State.Roster.CurrentWorkers.ToArray());
        Assert.Empty(d.Signals);
        const string reason = "restart refused: the check command failed with status:768 (exit code 3): syntax error at line 3; generation 1 keeps serving";
        Assert.Contains(d.Said, n => n is CheckRefused { Generation: 2 } refused && Text(refused.Reason) == reason);
        Assert.Equal($"2 {reason}", d.RestartFailureLine);
        Assert.Equal($"2 {reason}", FailureLine(d.Single<WriteStatus>().Document.Failure));
        Assert.Contains(reason, Text(Assert.Single(d.Last.OfType<ReportStatus>())));
    }

    [Fact]
    public void ACheckStillRunningAtItsTimeLimitIsKilledGroupAndAllAndRefuses()
    {
        var d = Checking().On(new CheckTimeoutDue(1));
        Assert.Equal([([50], SignalNames.Kill, true)], d.Signals);
        d.On(new CheckFinished(50, Killed, ""));
        Assert.False(d.Has<SpawnWorker>());
        Assert.StartsWith("restart refused: the check command did not finish within 10 s", d.RestartFailure);
    }

    [Fact]
    public void ATimerOfAnEarlierRunDoesNotTouchALaterOne()
    {
        var d = Checking().On(new CheckFinished(50, ExitedThree, "")).On(new HangupReceived());
        Assert.Equal(new RunCheck(2, 2), d.Single<RunCheck>());
        // The next HUP starts afresh: the earlier refusal is no longer reported.
        Assert.Null(d.RestartFailure);
        d.On(new CheckStarted(2, 51)).On(new CheckTimeoutDue(1));
        Assert.Empty(d.Signals);
        d.On(new CheckFinished(51, ExitedZero, ""));
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
    }

    [Fact]
    public void AHangupDuringACheckRunsTheCheckAgainAfterIt()
    {
        var d = Checking().On(new HangupReceived());
        Assert.Contains(new CheckQueued(), d.Said);
        Assert.False(d.Has<RunCheck>());
        d.On(new CheckFinished(50, ExitedZero, ""));
        Assert.False(d.Has<SpawnWorker>());
        Assert.Equal(new RunCheck(2, 2), d.Single<RunCheck>());
    }

    [Fact]
    public void ACheckThatCannotStartRefusesWithTheReason()
    {
        var d = Running(Checked).On(new HangupReceived()).On(new CheckNotStarted(1, "exec /bin/sh failed: No such file or directory"));
        Assert.False(d.Has<SpawnWorker>());
        Assert.StartsWith("restart refused: the check command could not be run: exec /bin/sh failed", d.RestartFailure);
    }

    [Fact]
    public void AHangupQueuedDuringAStartIsCheckedToo()
    {
        var d = Checking().On(new CheckFinished(50, ExitedZero, "")).On(new HangupReceived());
        Assert.True(d.State.Roster.RestartQueued);
        d.On(new WorkerSpawned(2, 200)).On(new StartupIntervalElapsed(2, 200));
        Assert.Equal(new RunCheck(2, 3), d.Single<RunCheck>());
        Assert.False(d.Has<SpawnWorker>());
    }

    [Fact]
    public void StoppingKillsARunningCheckAndDoesNotWaitForIt()
    {
        var d = Checking().On(new TerminateReceived(SignalNames.Term));
        Assert.Contains(d.Signals, s => s.Pids is [50] && s.Signal == SignalNames.Kill && s.Group);
        Assert.Contains(d.Signals, s => s.Pids is [100] && s.Signal == SignalNames.Term && !s.Group);
        d.On(new WorkerExited(100, ExitedZero));
        Assert.True(d.Has<Exit>());
    }

    [Fact]
    public void ACheckThatLeftProcessesInItsGroupHasThemKilled()
    {
        var d = Checking().On(new CheckFinished(50, ExitedZero, "", GroupRemains: true));
        Assert.Contains(d.Signals, s => s.Pids is [50] && s.Signal == SignalNames.Kill && s.Group);
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
    }

    [Fact]
    public void WithoutACheckCommandAHangupSpawnsAtOnce()
    {
        var d = Running().On(new HangupReceived());
        Assert.False(d.Has<RunCheck>());
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
    }
}
