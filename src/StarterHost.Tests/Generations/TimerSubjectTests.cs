using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>
/// Timers that outlive what they wait for: the machine forgets a worker once nothing of it is left to act on, and
/// cancels a timer whose purpose is over, so no deadline of a worker long gone stays armed. And the events that are
/// no timer's: an envdir read, SIGUSR1.
/// </summary>
public sealed class TimerSubjectTests
{
    private static readonly RuntimeSettings Deadline = Defaults with { DrainTimeout = TimeSpan.FromSeconds(60) };

    private static bool Forgets(MachineDriver d, int pid) => d.Last.Contains(new ForgetWorker(pid));

    [Fact]
    public void AnOldWorkerIsForgottenWhenItIsReapedAndNotBefore()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200);
        Assert.Equal([100], Assert.Single(d.Timers<DrainDeadlineDue>()).Pids.ToArray());
        Assert.False(Forgets(d, 100));
        d.On(new WorkerExited(100, ExitedZero));
        Assert.Equal([new ForgetWorker(100)], d.Last.OfType<ForgetWorker>());
    }

    [Fact]
    public void AWorkerThatLeftItsGroupBehindIsForgottenOnceTheGroupIsGone()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200).On(new WorkerExited(100, ExitedZero, GroupRemains: true));
        // Its drain deadline still covers the group.
        Assert.False(Forgets(d, 100));
        d.On(new GroupGone(100));
        Assert.True(Forgets(d, 100));
    }

    [Fact]
    public void AWorkerThatDiedWithinItsIntervalIsForgottenOnlyOnceTheIntervalIsOver()
    {
        var d = Running().On(new HangupReceived()).On(new WorkerSpawned(2, 200)).On(new WorkerExited(200, ExitedThree));
        // Server::Starter: the retry waits for the interval that worker began.
        Assert.False(Forgets(d, 200));
        d.On(new StartupIntervalElapsed(2, 200));
        Assert.True(Forgets(d, 200));
        Assert.True(d.Has<SpawnWorker>());
    }

    [Fact]
    public void ACrashedPoolMemberIsForgottenAsItsReplacementStarts()
    {
        var d = new MachineDriver(Pool).On(new Started()).ServePool(1, 100, 200, 300).On(new WorkerExited(200, Killed));
        Assert.True(Forgets(d, 200));
        Assert.False(Forgets(d, 100));
        Assert.Equal([(1, 1)], d.Spawns);
    }

    [Fact]
    public void AFinishedCheckCancelsItsTimeLimit()
    {
        var d = Running(Defaults with { CheckBeforeRestart = true, CheckTimeout = TimeSpan.FromSeconds(30) }).On(new HangupReceived()).On(new CheckStarted(1, 50));
        d.On(new CheckFinished(50, ExitedZero, ""));
        Assert.Contains(new CancelTimer(new CheckTimeoutDue(1)), d.Last);
    }

    [Fact]
    public void ANewStartCancelsTheAutoRestartOfTheLastOne()
    {
        var d = Running(Defaults with { AutoRestart = true, AutoRestartInterval = TimeSpan.FromSeconds(360) }).On(new HangupReceived()).Serve(2, 200);
        Assert.Contains(new CancelTimer(new AutoRestartDue(1, Forced: false)), d.Last);
        Assert.Contains(new AutoRestartDue(2, Forced: false), d.Timers<AutoRestartDue>());
    }

    [Fact]
    public void WhatTheEnvdirChangesAppliesFromTheNextDecisionOn()
    {
        var d = Running().On(new HangupReceived()).On(new EnvDirRead(Defaults with { KillOldDelay = TimeSpan.FromSeconds(5) }));
        d.On(new WorkerSpawned(2, 200)).Ready(2, 200);
        Assert.Empty(d.Signals);
        Assert.Equal([new KillOldDelayElapsed([100])], d.Timers<KillOldDelayElapsed>());
    }

    [Fact]
    public void Usr1ReopensTheLogWhateverThePhase()
    {
        var d = Running().On(new LogReopenRequested());
        Assert.Equal(new ReopenLog(), Assert.Single(d.Last));
        d.On(new TerminateReceived(SignalNames.Term)).On(new LogReopenRequested());
        Assert.Equal(new ReopenLog(), Assert.Single(d.Last));
    }
}
