using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>--max-worker-lifetime and --max-worker-rss: a replacement starts in the slot first, then the old worker goes.</summary>
public sealed class RecyclingTests
{
    private static readonly RuntimeSettings Pool = Defaults with
    {
        Workers = 2,
        DrainTimeout = TimeSpan.FromSeconds(10),
        BackoffMax = TimeSpan.FromSeconds(30),
        MaxWorkerLifetime = TimeSpan.FromSeconds(100),
    };

    private static TimeSpan[] LifetimeDelays(MachineDriver d) =>
        [.. d.Last.OfType<StartTimer>().Where(t => t.Event is LifetimeElapsed).Select(t => t.Delay)];

    [Fact]
    public void AWorkerPastItsLifetimeIsRetiredOnlyOnceItsReplacementHasStarted()
    {
        var d = new MachineDriver(Pool).On(new Started()).ServePool(1, 100, 200);
        Assert.Equal(2, LifetimeDelays(d).Length);
        d.On(new LifetimeElapsed(100));
        Assert.Contains(new LifetimeReached(new Worker(1, 100, 0), TimeSpan.FromSeconds(100)), d.Said);
        Assert.Equal([(1, 0)], d.Spawns);
        Assert.Empty(d.Signals);

        d.On(new WorkerSpawned(1, 300, Slot: 0));
        Assert.Empty(d.Signals);
        Assert.Equal(3, d.State.Roster.LivePids.Length);
        d.Ready(1, 300);
        Assert.Contains(d.Said, n => n is NewWorkerRunning { Signal: SignalNames.Term, OldPids: [100] });
        Assert.Equal([([100], SignalNames.Term, false)], d.Signals);
        Assert.Single(d.Timers<DrainDeadlineDue>());
        Assert.Single(LifetimeDelays(d));
        Assert.Equal("1:100\n1:200\n1:300\n", StatusText(d.Single<WriteStatus>()));
        d.On(new WorkerExited(100, ExitedZero));
        Assert.Contains(new OldWorkerDied(100, ExitedZero), d.Said);
        Assert.Equal("1:200\n1:300\n", StatusText(d.Single<WriteStatus>()));
        Assert.Equal(1, d.State.Roster.LastGeneration);
    }

    [Fact]
    public void LifetimesAreJitteredByTenPercentSoThatWorkersDoNotAllGoTogether()
    {
        var settings = Pool with { Workers = 20 };
        var d = new MachineDriver(settings).On(new Started(Seed: 4711)).ServePool(1, [.. Enumerable.Range(1, 20).Select(i => i * 100)]);
        var delays = LifetimeDelays(d);
        Assert.Equal(20, delays.Length);
        Assert.All(delays, delay => Assert.InRange(delay.TotalSeconds, 90, 110));
        Assert.True(delays.Distinct().Count() > 15, string.Join(", ", delays));
    }

    [Fact]
    public void AReplacementThatFailsLeavesTheOldWorkerServingAndIsRetried()
    {
        var d = new MachineDriver(Pool).On(new Started()).ServePool(1, 100, 200).On(new LifetimeElapsed(200));
        d.On(new WorkerSpawned(1, 300, Slot: 1)).On(new WorkerExited(300, ExitedThree));
        Assert.Empty(d.Signals);
        Assert.Equal(2, d.State.Roster.CurrentWorkers.Length);
        Assert.Equal([(1, 1)], d.Spawns);
        // Its own lifetime elapsing again while a replacement is on its way asks for no second one.
        d.On(new LifetimeElapsed(200));
        Assert.Empty(d.Last);
    }

    [Fact]
    public void AWorkerBeingRecycledThatDiesLeavesItsSlotToTheReplacementOnItsWay()
    {
        var d = new MachineDriver(Pool).On(new Started()).ServePool(1, 100, 200).On(new LifetimeElapsed(200)).On(new WorkerSpawned(1, 300, Slot: 1));
        d.On(new WorkerExited(200, Killed));
        Assert.False(d.Has<SpawnWorker>());
        d.Ready(1, 300);
        Assert.Contains(new SlotServing(new Worker(1, 300, 1)), d.Said);
        Assert.Empty(d.Signals);
    }

    [Fact]
    public void WithOneWorkerRecyclingReplacesItInTheSameGeneration()
    {
        var settings = Defaults with { MaxWorkerLifetime = TimeSpan.FromSeconds(100) };
        var d = Running(settings).On(new LifetimeElapsed(100));
        Assert.Equal([(1, 0)], d.Spawns);
        d.On(new WorkerSpawned(1, 200));
        Assert.Contains(new StartingWorker(200, 1), d.Said);
        d.Ready(1, 200);
        Assert.Equal([([100], SignalNames.Term, false)], d.Signals);
        Assert.Equal([new Worker(1, 200)], d.State.Roster.CurrentWorkers.ToArray());
    }

    [Fact]
    public void NoMemoryIsReadWithoutMaxWorkerRss()
    {
        var d = new MachineDriver(Pool).On(new Started());
        Assert.Empty(d.Timers<MemoryCheckDue>());
    }

    [Fact]
    public void AWorkerOverMaxWorkerRssIsReplacedAndTheChecksEndWithTheStop()
    {
        var settings = Pool with { MaxWorkerRss = 256, MaxWorkerLifetime = TimeSpan.Zero };
        var d = new MachineDriver(settings).On(new Started());
        var check = d.Last.OfType<StartTimer>().Single(t => t.Event is MemoryCheckDue);
        Assert.Equal(TimeSpan.FromSeconds(5), check.Delay);
        d.ServePool(1, 100, 200).On(check.Event);
        Assert.Equal([100, 200], d.Single<MeasureMemory>().Pids.ToArray());
        Assert.Single(d.Timers<MemoryCheckDue>());

        d.On(new MemoryMeasured(100, 256L * 1024 * 1024));
        Assert.Empty(d.Last);
        d.On(new MemoryMeasured(200, 300L * 1024 * 1024));
        Assert.Contains(new MemoryExceeded(new Worker(1, 200, 1), 300, 256), d.Said);
        Assert.Equal([(1, 1)], d.Spawns);

        // The worker being replaced is not read again.
        d.On(new MemoryCheckDue());
        Assert.Equal([100], d.Single<MeasureMemory>().Pids.ToArray());
        d.On(new TerminateReceived(SignalNames.Term)).On(new MemoryCheckDue());
        Assert.False(d.Has<MeasureMemory>());
        Assert.Empty(d.Timers<MemoryCheckDue>());
    }
}
