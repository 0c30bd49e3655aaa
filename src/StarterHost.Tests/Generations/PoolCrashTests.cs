using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>A member of a serving pool that dies: only its slot is respawned, in the same generation.</summary>
public sealed class PoolCrashTests
{
    /// <summary>Generation 1 (pids 100, 200, 300) serving and stable: earlier failures forgotten.</summary>
    private static MachineDriver Serving(RuntimeSettings? settings = null) =>
        new MachineDriver(settings ?? Pool).On(new Started()).ServePool(1, 100, 200, 300).On(new GenerationStable(1));

    [Fact]
    public void AMemberThatDiesIsRespawnedInItsSlotAndGenerationAndTheOthersAreUntouched()
    {
        var d = Serving().On(new WorkerExited(200, Killed));
        Assert.Contains(new WorkerDiedUnexpectedly(200, Killed, new Worker(1, 200, 1)), d.Said);
        Assert.Equal([(1, 1)], d.Spawns);
        Assert.Empty(d.Signals);
        Assert.Equal("1:100\n1:300\n", StatusText(d.Single<WriteStatus>()));
        Assert.Equal("generation 1: 2/3 ready; last failure: generation 1 worker 200 (slot 1) died unexpectedly, status:9 (killed by SIGKILL)", d.StatusLine);

        d.On(new WorkerSpawned(1, 400, Slot: 1));
        Assert.Contains(new StartingWorker(400, 1, Slot: 1), d.Said);
        Assert.Equal("1:100\n1:300\n", StatusText(new WriteStatus(d.State.StatusDocument)));
        d.Ready(1, 400);
        Assert.Contains(new SlotServing(new Worker(1, 400, 1)), d.Said);
        Assert.Empty(d.Signals);
        Assert.Equal("1:100\n1:300\n1:400\n", StatusText(d.Single<WriteStatus>()));
        Assert.Equal(1, d.State.Roster.LastGeneration);
        Assert.Equal([100, 400, 300], d.State.Roster.Current!.Slots.Select(s => s.Serving!.Pid));
    }

    [Fact]
    public void AMemberThatKeepsDyingIsRespawnedWithTheBackoffAndForgottenOnceItsReplacementServedASecond()
    {
        var instant = Pool with { Interval = TimeSpan.Zero };
        var d = Serving(instant);
        var delays = new List<TimeSpan>();
        int pid = 200;
        for (int i = 0; i < 5; i++)
        {
            d.On(new WorkerExited(pid, ExitedThree));
            var retry = d.Last.OfType<StartTimer>().SingleOrDefault(t => t.Event is SlotRetryDue);
            delays.Add(retry?.Delay ?? TimeSpan.Zero);
            if (retry is not null)
                d.On(retry.Event);
            Assert.Equal([(1, 1)], d.Spawns);
            pid = 1000 + i;
            d.On(new WorkerSpawned(1, pid, Slot: 1)).Ready(1, pid);
            Assert.Empty(d.Signals);
        }
        Assert.Equal(TimeSpan.Zero, delays[0]);
        Assert.All(delays.Skip(1), delay => Assert.True(delay >= TimeSpan.FromSeconds(0.4), $"respawned after {delay}"));
        Assert.True(delays[4] > delays[1]);
        Assert.Equal(5, d.State.Failures.Consecutive);
        d.On(d.Timers<WorkerStable>().Single());
        Assert.Equal(0, d.State.Failures.Consecutive);
    }

    [Fact]
    public void AGenerationIsNotStableWhileOneOfItsSlotsIsEmpty()
    {
        var d = new MachineDriver(Pool).On(new Started()).ServePool(1, 100, 200, 300).On(new WorkerExited(200, Killed));
        d.On(new GenerationStable(1));
        Assert.Equal(1, d.State.Failures.Consecutive);
    }

    [Fact]
    public void AReplacementThatDiesBeforeItStartedIsAFailedStartRetriedInItsSlot()
    {
        var d = Serving().On(new WorkerExited(200, Killed)).On(new WorkerSpawned(1, 400, Slot: 1));
        d.On(new WorkerExited(400, ExitedThree));
        Assert.Contains(new NewWorkerFailed(400, ExitedThree, new Worker(1, 400, 1)), d.Said);
        var retry = d.Last.OfType<StartTimer>().Single(t => t.Event is SlotRetryDue);
        Assert.Equal(new SlotRetryDue(1, 1), retry.Event);
        Assert.Equal("generation 1: 2/3 ready; last failure: generation 1 worker 400 (slot 1) failed to start: it exited within the interval, status:768 (exit code 3)", d.StatusLine);
        d.On(retry.Event);
        Assert.Equal([(1, 1)], d.Spawns);
    }

    [Fact]
    public void AReplacementThatMissesTheStartTimeoutIsStoppedAndRetried()
    {
        var notify = Pool with { Readiness = ReadinessMode.Notify, StartTimeout = TimeSpan.FromSeconds(60) };
        var d = Serving(notify).On(new WorkerExited(300, Killed)).On(new WorkerSpawned(1, 400, Slot: 2));
        d.On(new StartTimeoutElapsed(1, 400));
        Assert.Contains(new StartTimedOut(400, 1, TimeSpan.FromSeconds(60), Slot: 2), d.Said);
        Assert.Equal([([400], SignalNames.Term, false)], d.Signals);
        Assert.Single(d.Timers<SlotRetryDue>());
        // A later READY=1 from the worker being stopped does not make it serve.
        d.On(new WorkerNotified(400, Ready: true, Status: null));
        Assert.DoesNotContain(400, d.State.Roster.CurrentWorkers.Select(w => w.Pid));
    }

    [Fact]
    public void AStaleIntervalOfAnEarlierReplacementDoesNotStartTheNextOne()
    {
        var d = Serving().On(new WorkerExited(200, Killed)).On(new WorkerSpawned(1, 400, Slot: 1)).On(new WorkerExited(400, ExitedThree));
        d.On(d.Timers<SlotRetryDue>().Single()).On(new WorkerSpawned(1, 500, Slot: 1));
        d.On(new StartupIntervalElapsed(1, 400));
        Assert.Equal(2, d.State.Roster.CurrentWorkers.Length);
        d.On(new StartupIntervalElapsed(1, 500));
        Assert.Equal(3, d.State.Roster.CurrentWorkers.Length);
    }

    [Fact]
    public void AHangupStopsAReplacementStillStartingAndReplacesTheWholeGeneration()
    {
        var d = Serving().On(new WorkerExited(200, Killed)).On(new WorkerSpawned(1, 400, Slot: 1));
        d.On(new HangupReceived());
        Assert.Contains(new ReplacementStopped(new Worker(1, 400, 1)), d.Said);
        Assert.Equal([([400], SignalNames.Term, false)], d.Signals);
        Assert.Equal([(2, 0), (2, 1), (2, 2)], d.Spawns);
        d.ServePool(2, 500, 600, 700);
        Assert.Equal([([100, 300], SignalNames.Term, false)], d.Signals);
    }

    [Fact]
    public void AMemberOfTheOldGenerationThatDiesDuringARestartIsNotRespawned()
    {
        var d = Serving().On(new HangupReceived()).On(new WorkerExited(200, Killed));
        Assert.Contains(new OldWorkerDied(200, Killed), d.Said);
        Assert.False(d.Has<SpawnWorker>());
        Assert.Equal("generation 2 starting: 0/3 ready; generation 1: 2 serving", d.StatusLine);
    }

    [Fact]
    public void WithOneWorkerADeadWorkerIsStillReplacedByANewGeneration()
    {
        var d = Running().On(new GenerationStable(1)).On(new WorkerExited(100, Killed));
        Assert.Contains(new WorkerDiedUnexpectedly(100, Killed), d.Said);
        Assert.Equal([(2, 0)], d.Spawns);
        d.On(new WorkerSpawned(2, 200));
        Assert.Contains(new StartingWorker(200, 2), d.Said);
    }
}
