using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Workers;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>--workers=N: a generation is N workers, one per slot, and has started once every one of them has.</summary>
public sealed class PoolStartTests
{
    private static readonly RuntimeSettings NotifyPool = Pool with { Readiness = ReadinessMode.Notify, StartTimeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public void APoolStartsOneWorkerPerSlotUnderOneGenerationNumber()
    {
        var d = new MachineDriver(Pool).On(new Started());
        Assert.Equal([(1, 0), (1, 1), (1, 2)], d.Spawns);
        d.On(new WorkerSpawned(1, 100, Slot: 0));
        Assert.Contains(new StartingWorker(100, 1, Slot: 0), d.Said);
        Assert.Equal(new StartTimer(new StartupIntervalElapsed(1, 100), TimeSpan.FromSeconds(1)), d.Single<StartTimer>());
        d.On(new WorkerSpawned(1, 200, Slot: 1)).On(new WorkerSpawned(1, 300, Slot: 2));
        Assert.Contains(new StartingWorker(300, 1, Slot: 2), d.Said);
        Assert.Equal(1, d.State.Roster.LastGeneration);
    }

    [Fact]
    public void ThePoolHasStartedOnlyOnceEveryMemberHas()
    {
        var d = new MachineDriver(Pool).On(new Started()).Spawn(1, 100, 200, 300);
        d.Ready(1, 100).Ready(1, 300);
        Assert.False(d.Has<WriteStatus>());
        Assert.False(d.Has<ReportReady>());
        Assert.Equal("no generation serving; generation 1 starting: 2/3 ready", d.StatusLine);
        d.Ready(1, 200);
        Assert.Equal("1:100\n1:200\n1:300\n", StatusText(d.Single<WriteStatus>()));
        Assert.Contains(new ReportReady(1), d.Last);
        Assert.Contains(d.Said, n => n is PoolServing { Generation: 1 } s && s.Pids.SequenceEqual([100, 200, 300]));
        Assert.Equal("generation 1: 3/3 ready", d.StatusLine);
    }

    [Theory]
    [InlineData(200)]   // a member announcing itself twice
    [InlineData(4242)]  // nobody we know
    public void EachMembersReadyCountsForItselfAlone(int pid)
    {
        var d = new MachineDriver(NotifyPool).On(new Started()).Spawn(1, 100, 200, 300).Ready(1, 100).Ready(1, 200);
        d.On(new WorkerNotified(pid, Ready: true, Status: null));
        Assert.Null(d.State.Roster.Current);
        Assert.Equal(2, d.State.Roster.Pending!.Members.Count(m => m.Phase == MemberPhase.Ready));
    }

    [Fact]
    public void AMemberThatExitsBeforeItsGenerationStartedFailsTheWholeGeneration()
    {
        var d = new MachineDriver(Pool).On(new Started()).Spawn(1, 100, 200, 300).Ready(1, 100);
        d.On(new WorkerExited(200, ExitedThree));
        Assert.Contains(new NewWorkerFailed(200, ExitedThree, new Worker(1, 200, 1)), d.Said);
        // Started members may accept connections already: retired gracefully; the others stopped.
        Assert.Equal([([100], SignalNames.Term, false), ([300], SignalNames.Term, false)], d.Signals);
        Assert.Contains(d.Said, n => n is PoolMembersStopped { Generation: 1 } s && s.Pids.SequenceEqual([100, 300]));
        Assert.Equal(2, d.Timers<DrainDeadlineDue>().Count());
        Assert.Equal("generation 1 failed to start: worker 200 (slot 1) exited within the interval, status:768 (exit code 3)", d.LastFailure);
        Assert.False(d.Has<SpawnWorker>());

        // Server::Starter: the next attempt once the interval of the worker that died is over, under the next number.
        d.On(new StartupIntervalElapsed(1, 300));
        Assert.False(d.Has<SpawnWorker>());
        d.On(new StartupIntervalElapsed(1, 200));
        Assert.Equal([(2, 0), (2, 1), (2, 2)], d.Spawns);
        d.On(new WorkerExited(100, ExitedZero)).On(new WorkerExited(300, ExitedZero));
        d.ServePool(2, 400, 500, 600);
        Assert.Equal("2:400\n2:500\n2:600\n", StatusText(d.Single<WriteStatus>()));
    }

    [Fact]
    public void WithSignalOnHupTheStartedMembersOfAFailedGenerationGetItAndTheOthersGetSignalOnTerm()
    {
        var settings = Pool with { SignalOnHup = SignalNames.Usr1, SignalOnTerm = SignalNames.Int };
        var d = new MachineDriver(settings).On(new Started()).Spawn(1, 100, 200, 300).Ready(1, 100).On(new WorkerExited(200, ExitedThree));
        Assert.Equal([([100], SignalNames.Usr1, false), ([300], SignalNames.Int, false)], d.Signals);
    }

    [Fact]
    public void ASpawnThatFailsPartWayStopsTheMembersSpawnedAndIsRetriedNoFasterThanOncePerSecond()
    {
        var fast = Pool with { Interval = TimeSpan.FromMilliseconds(10) };
        var d = new MachineDriver(fast).On(new Started()).On(new WorkerSpawned(1, 100, Slot: 0));
        d.On(new SpawnFailed(1, "fork: Resource temporarily unavailable", Slot: 1));
        Assert.Contains(new CouldNotSpawn(1, "fork: Resource temporarily unavailable"), d.Said);
        Assert.Equal([([100], SignalNames.Term, false)], d.Signals);
        Assert.Equal(TimeSpan.FromSeconds(1), d.Last.OfType<StartTimer>().Single(t => t.Event is RetryDue).Delay);

        // The spawn of the last slot, asked for with the others, comes back after the failure: stopped at once.
        d.On(new WorkerSpawned(1, 300, Slot: 2));
        Assert.Equal([([300], SignalNames.Term, false)], d.Signals);
        Assert.DoesNotContain(300, d.State.Roster.StatusEntries.Select(w => w.Pid));
        d.On(new RetryDue(1));
        Assert.Equal([(2, 0), (2, 1), (2, 2)], d.Spawns);
    }

    [Fact]
    public void AMemberThatMissesTheStartTimeoutFailsARestartAndTheOldPoolServesOn()
    {
        var d = new MachineDriver(NotifyPool).On(new Started()).ServePool(1, 100, 200, 300).On(new HangupReceived());
        d.Spawn(2, 400, 500, 600).Ready(2, 400).Ready(2, 500);
        d.On(new StartTimeoutElapsed(2, 600));
        Assert.Contains(new StartTimedOut(600, 2, TimeSpan.FromSeconds(60), Slot: 2), d.Said);
        Assert.Equal([([600], SignalNames.Term, false), ([400], SignalNames.Term, false), ([500], SignalNames.Term, false)], d.Signals);
        Assert.Equal("2 generation 2 was not ready within 60 s (no READY=1); generation 1 keeps serving, and StarterHost tries again", d.RestartFailureLine);
        Assert.Equal([(3, 0), (3, 1), (3, 2)], d.Spawns);
        Assert.Equal("1:100\n1:200\n1:300\n", StatusText(new WriteStatus(d.State.StatusDocument)));
        Assert.Equal(3, d.Capacity);
    }

    [Fact]
    public void ATermWhileAPoolStartsStopsEveryMemberAndExitsOnceAllAreGone()
    {
        var d = new MachineDriver(Pool).On(new Started()).Spawn(1, 100, 200, 300).Ready(1, 100);
        d.On(new TerminateReceived(SignalNames.Term));
        Assert.Equal([([100, 200, 300], SignalNames.Term, false)], d.Signals);
        Assert.Equal("stopping: waiting for 3 workers to exit (pids 100,200,300)", d.StatusLine);
        d.On(new WorkerExited(100, ExitedZero)).On(new WorkerExited(300, ExitedZero));
        Assert.False(d.Has<Exit>());
        d.On(new WorkerExited(200, ExitedZero));
        Assert.Equal(new Exit(0), d.Single<Exit>());
    }

    [Fact]
    public void AWorkerWhoseExecHelperDiedBeforeItsIntervalBeganIsRetriedAtOnce()
    {
        // Its exit is reaped before the exec report is read: no interval ever ran to wait for.
        var d = Running().On(new HangupReceived()).On(new WorkerSpawned(2, 200, AwaitsExec: true));
        d.On(new WorkerExited(200, new WaitStatus(127 << 8)));
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
        d.On(new WorkerExecuted(200, "exec /srv/app failed: No such file or directory"));
        Assert.Empty(d.Last);
    }
}
