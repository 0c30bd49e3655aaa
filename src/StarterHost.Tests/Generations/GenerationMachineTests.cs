using System.Collections.Immutable;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Workers;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>
/// The pure generation machine, event by event: what it decides, and what it must not do.
/// No process runs here; RestartTests and friends prove the same paths with real workers.
/// </summary>
public sealed class GenerationMachineTests
{
    private static void AssertSignalled(MachineDriver d, int[] pids, int signal)
    {
        var sent = d.Single<SignalWorkers>();
        Assert.Equal(pids, sent.Pids);
        Assert.Equal(signal, sent.Signal);
    }

    [Fact]
    public void TheFirstWorkerCountsAsStartedOnlyAfterTheInterval()
    {
        var d = new MachineDriver(Defaults).On(new Started());
        Assert.Equal(new SpawnWorker(1), d.Single<SpawnWorker>());
        d.On(new WorkerSpawned(1, 100));
        Assert.Equal(new StartTimer(new StartupIntervalElapsed(1, 100), TimeSpan.FromSeconds(1)), d.Single<StartTimer>());
        Assert.False(d.Has<WriteStatus>());
        d.On(new StartupIntervalElapsed(1, 100));
        Assert.Equal("1:100\n", StatusText(d.Single<WriteStatus>()));
        Assert.Equal([new Worker(1, 100)], d.State.Roster.CurrentWorkers.ToArray());
        Assert.False(d.Has<SignalWorkers>());
    }

    [Fact]
    public void ThroughTheExecHelperTheIntervalStartsWhenTheWorkersProgramRunsNotAtTheSpawn()
    {
        var d = Running().On(new HangupReceived()).On(new WorkerSpawned(2, 200, AwaitsExec: true));
        Assert.False(d.Has<StartTimer>());
        d.On(new WorkerExecuted(200));
        Assert.Equal(new StartTimer(new StartupIntervalElapsed(2, 200), TimeSpan.FromSeconds(1)), d.Single<StartTimer>());
    }

    [Fact]
    public void AnExecThatFailedIsSaidAndTheExitThatFollowsIsTheFailedStart()
    {
        var d = Running().On(new HangupReceived()).On(new WorkerSpawned(2, 200, AwaitsExec: true));
        d.On(new WorkerExecuted(200, "exec /srv/app failed: Permission denied"));
        Assert.Contains(new CouldNotSpawn(2, "exec /srv/app failed: Permission denied"), d.Said);
        Assert.False(d.Has<StartTimer>());
        d.On(new WorkerExited(200, new WaitStatus(127 << 8)));
        Assert.Contains(new NewWorkerFailed(200, new WaitStatus(127 << 8)), d.Said);
    }

    [Fact]
    public void HangupSignalsTheOldGenerationOnlyOnceTheNewOneHasStarted()
    {
        var d = Running().On(new HangupReceived());
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
        Assert.Contains(new HangupSpawning(), d.Said);

        d.On(new WorkerSpawned(2, 200));
        Assert.False(d.Has<SignalWorkers>());
        d.On(new StartupIntervalElapsed(2, 200));
        AssertSignalled(d, [100], SignalNames.Term);
        Assert.Equal("1:100\n2:200\n", StatusText(d.Single<WriteStatus>()));

        d.On(new WorkerExited(100, ExitedZero));
        Assert.Contains(new OldWorkerDied(100, ExitedZero), d.Said);
        Assert.Equal("2:200\n", StatusText(d.Single<WriteStatus>()));
    }

    [Fact]
    public void ANewGenerationThatDiesWithinTheIntervalLeavesTheOldOneAloneAndIsRetriedUnderANewNumber()
    {
        var d = Running().On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        d.On(new WorkerExited(200, new WaitStatus(3 << 8)));
        Assert.Contains(new NewWorkerFailed(200, new WaitStatus(768)), d.Said);
        Assert.False(d.Has<SignalWorkers>());
        Assert.False(d.Has<SpawnWorker>());

        d.On(new StartupIntervalElapsed(2, 200));
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
        Assert.False(d.Has<SignalWorkers>());

        d.Serve(3, 300);
        AssertSignalled(d, [100], SignalNames.Term);
    }

    [Fact]
    public void ASpawnThatCannotHappenIsRetriedNoFasterThanOncePerSecond()
    {
        var fast = Defaults with { Interval = TimeSpan.FromMilliseconds(10) };
        var d = Running(fast).On(new HangupReceived()).On(new SpawnFailed(2, "exec: ENOENT"));
        Assert.Equal(new StartTimer(new RetryDue(2), TimeSpan.FromSeconds(1)), d.Single<StartTimer>());
        d.On(new RetryDue(2));
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
    }

    [Fact]
    public void ACurrentWorkerThatDiesIsReplacedAndNobodyIsSignalled()
    {
        var d = Running().On(new WorkerExited(100, Killed));
        Assert.Contains(new WorkerDiedUnexpectedly(100, Killed), d.Said);
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
        Assert.Equal("", StatusText(d.Single<WriteStatus>()));
        d.Serve(2, 200);
        Assert.False(d.Has<SignalWorkers>());
        Assert.Equal("2:200\n", StatusText(d.Single<WriteStatus>()));
    }

    [Fact]
    public void HangupsDuringAStartFoldIntoOneMoreRestart()
    {
        var d = Running().On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        d.On(new HangupReceived());
        Assert.Contains(new HangupQueued(2), d.Said);
        Assert.False(d.Has<SpawnWorker>());
        d.On(new HangupReceived());
        Assert.False(d.Has<SpawnWorker>());

        d.On(new StartupIntervalElapsed(2, 200));
        AssertSignalled(d, [100], SignalNames.Term);
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
        d.Serve(3, 300);
        AssertSignalled(d, [200], SignalNames.Term);
        d.On(new StartupIntervalElapsed(3, 300));
        Assert.False(d.Has<SpawnWorker>());
    }

    [Fact]
    public void EachOldWorkerIsSignalledOnceEvenWhenItDrainsAcrossRestarts()
    {
        var d = Running().On(new HangupReceived()).Serve(2, 200);
        AssertSignalled(d, [100], SignalNames.Term);
        d.On(new HangupReceived()).Serve(3, 300);
        // Server::Starter would send TERM to 100 again here.
        AssertSignalled(d, [200], SignalNames.Term);
        Assert.Equal("1:100\n2:200\n3:300\n", StatusText(d.Single<WriteStatus>()));
    }

    [Fact]
    public void KillOldDelayWaitsBeforeSendingSignalOnHup()
    {
        var settings = Defaults with { KillOldDelay = TimeSpan.FromSeconds(5), SignalOnHup = SignalNames.Usr1 };
        var d = Running(settings).On(new HangupReceived()).Serve(2, 200);
        Assert.False(d.Has<SignalWorkers>());
        Assert.Contains(new SleepingBeforeKill(TimeSpan.FromSeconds(5)), d.Said);
        var timer = d.Single<StartTimer>();
        Assert.Equal(TimeSpan.FromSeconds(5), timer.Delay);
        d.On(timer.Event);
        AssertSignalled(d, [100], SignalNames.Usr1);
    }

    [Fact]
    public void TermForwardsSignalOnTermToEveryWorkerAndExitsWhenAllAreGone()
    {
        var settings = Defaults with { SignalOnTerm = SignalNames.Usr1 };
        var d = Running(settings).On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        d.On(new TerminateReceived(SignalNames.Term));
        AssertSignalled(d, [100, 200], SignalNames.Usr1);
        Assert.False(d.Has<Exit>());

        d.On(new HangupReceived());
        Assert.Contains(new SignalIgnoredWhileStopping(SignalNames.Hup), d.Said);
        Assert.False(d.Has<SpawnWorker>());
        d.On(new StartupIntervalElapsed(2, 200));
        Assert.False(d.Has<SignalWorkers>());

        d.On(new WorkerExited(100, ExitedZero));
        Assert.False(d.Has<Exit>());
        Assert.Equal("", StatusText(d.Single<WriteStatus>()));
        d.On(new WorkerExited(200, ExitedZero));
        Assert.Equal(new Exit(0), d.Single<Exit>());
    }

    [Fact]
    public void IntForwardsTermWhateverSignalOnTermSays()
    {
        var d = Running(Defaults with { SignalOnTerm = SignalNames.Usr1 }).On(new TerminateReceived(SignalNames.Int));
        AssertSignalled(d, [100], SignalNames.Term);
    }

    [Fact]
    public void AWorkerSpawnedWhileStoppingIsToldToStopAtOnce()
    {
        var d = Running().On(new HangupReceived()).On(new TerminateReceived(SignalNames.Term));
        d.On(new WorkerSpawned(2, 200));
        AssertSignalled(d, [200], SignalNames.Term);
        d.On(new WorkerExited(100, ExitedZero)).On(new WorkerExited(200, ExitedZero));
        Assert.Equal(new Exit(0), d.Single<Exit>());
    }

    [Fact]
    public void AutoRestartWaitsForOldWorkersButIsForcedAtTwiceTheInterval()
    {
        var settings = Defaults with { AutoRestart = true, AutoRestartInterval = TimeSpan.FromSeconds(10), KillOldDelay = TimeSpan.Zero };
        var d = Running(settings);
        var due = d.Single<StartTimer>();
        Assert.Equal(new StartTimer(new AutoRestartDue(1, false), TimeSpan.FromSeconds(10)), due);

        d.On(new HangupReceived()).Serve(2, 200);
        var second = d.Single<StartTimer>();
        Assert.Equal(new AutoRestartDue(2, false), second.Event);
        // The timer of the first start is stale now.
        d.On(due.Event);
        Assert.False(d.Has<SpawnWorker>());

        // Old worker 100 still drains: wait, then force.
        d.On(second.Event);
        Assert.False(d.Has<SpawnWorker>());
        var forced = d.Single<StartTimer>();
        Assert.Equal(new AutoRestartDue(2, true), forced.Event);
        d.On(forced.Event);
        Assert.Contains(new AutoRestartTriggered(TimeSpan.FromSeconds(10), Forced: true), d.Said);
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
    }

    [Fact]
    public void AnOverdueAutoRestartHappensAsSoonAsTheLastOldWorkerIsGone()
    {
        var settings = Defaults with { AutoRestart = true, AutoRestartInterval = TimeSpan.FromSeconds(10) };
        var d = Running(settings).On(new HangupReceived()).Serve(2, 200);
        d.On(new AutoRestartDue(2, false));
        Assert.False(d.Has<SpawnWorker>());
        d.On(new WorkerExited(100, ExitedZero));
        Assert.Contains(new AutoRestartTriggered(TimeSpan.FromSeconds(10), Forced: false), d.Said);
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
    }

    [Fact]
    public void TheStatusFileListsGenerationsInTheReferencesStringOrder()
    {
        var d = Running();
        for (int generation = 2; generation <= 10; generation++)
            d.On(new HangupReceived()).On(new WorkerSpawned(generation, generation * 100)).On(new StartupIntervalElapsed(generation, generation * 100));
        // Server::Starter sorts the generations with Perl's default (string) sort: "10" before "2".
        var status = d.State.Roster.StatusEntries.Select(w => w.Generation).ToArray();
        Assert.Equal([1, 10, 2, 3, 4, 5, 6, 7, 8, 9], status);
    }

    [Fact]
    public void EventsAboutUnknownWorkersOrStaleGenerationsChangeNothing()
    {
        var d = Running();
        var before = d.State;
        d.On(new WorkerExited(4242, ExitedZero));
        Assert.Empty(d.Last);
        d.On(new StartupIntervalElapsed(1, 100));
        Assert.Empty(d.Last);
        d.On(new WorkerSpawned(7, 700));
        Assert.Empty(d.Last);
        Assert.Equal(before, d.State);
    }
}
