using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>SIGTTIN and SIGTTOU: one worker more or fewer, in the generation that will serve, kept across restarts.</summary>
public sealed class ResizeTests
{
    private static readonly ResizeRequested Ttin = new(SignalNames.Ttin);
    private static readonly ResizeRequested Ttou = new(SignalNames.Ttou);

    /// <summary>Generation 1 (pids 100, 200, 300) serving and stable.</summary>
    private static MachineDriver Serving(RuntimeSettings? settings = null) =>
        new MachineDriver(settings ?? Pool).On(new Started()).ServePool(1, 100, 200, 300).On(new GenerationStable(1));

    [Fact]
    public void TtinStartsOneMoreWorkerInTheServingGenerationInANewSlot()
    {
        var d = Serving().On(Ttin);
        Assert.Contains(new WorkersResized(3, 4, SignalNames.Ttin), d.Said);
        Assert.Equal([(1, 3)], d.Spawns);
        Assert.Empty(d.Signals);
        Assert.Equal(4, d.State.WorkerCount);
        d.On(new WorkerSpawned(1, 400, Slot: 3)).Ready(1, 400);
        Assert.Contains(new SlotServing(new Worker(1, 400, 3)), d.Said);
        Assert.Equal("1:100\n1:200\n1:300\n1:400\n", StatusText(d.Single<WriteStatus>()));
        Assert.Equal("generation 1: 4/4 ready; 4 workers per generation (resized from --workers 3)", d.StatusLine);
        var detail = StatusDetail.Of(d.State);
        Assert.Equal((4, 3), (detail.Workers, detail.ConfiguredWorkers));
    }

    [Fact]
    public void TtouRetiresTheHighestSlotGracefullyWithTheDrainDeadline()
    {
        var d = Serving().On(Ttou);
        Assert.Contains(new WorkersResized(3, 2, SignalNames.Ttou), d.Said);
        Assert.Empty(d.Spawns);
        Assert.Equal([([300], SignalNames.Term, false)], d.Signals);
        Assert.Equal(new DrainDeadlineDue([300]), Assert.Single(d.Timers<DrainDeadlineDue>()));
        Assert.Equal(2, d.State.Roster.Current!.Slots.Length);
        // It is on its way out, not a crash: no failure, no respawn when it exits.
        d.On(new WorkerExited(300, ExitedZero));
        Assert.Contains(new OldWorkerDied(300, ExitedZero), d.Said);
        Assert.Empty(d.Spawns);
        Assert.Equal(0, d.State.Counters.Failures);
    }

    [Fact]
    public void TtouRetiresWithSignalOnHup()
    {
        var d = Serving(Pool with { SignalOnHup = SignalNames.Quit }).On(Ttou);
        Assert.Equal([([300], SignalNames.Quit, false)], d.Signals);
    }

    [Fact]
    public void TtouBelowOneIsRefusedAndChangesNothing()
    {
        var d = Running().On(Ttou);
        Assert.Equal([new ResizeRefused(1, SignalNames.Ttou)], d.Said);
        Assert.Empty(d.Signals);
        Assert.Null(d.State.Workers);
    }

    [Fact]
    public void TtinAboveTheBoundIsRefused()
    {
        var d = new MachineDriver(Defaults, GenerationState.Initial(Defaults) with { Workers = GenerationMachine.MaxWorkers }).On(Ttin);
        Assert.Equal([new ResizeRefused(GenerationMachine.MaxWorkers, SignalNames.Ttin)], d.Said);
        Assert.Empty(d.Spawns);
    }

    [Fact]
    public void TwoTtinOneTtouAndAHupLeaveTheNextGenerationWithOneMoreWorker()
    {
        var d = Serving().On(Ttin).On(new WorkerSpawned(1, 400, Slot: 3)).Ready(1, 400);
        d.On(Ttin).On(new WorkerSpawned(1, 500, Slot: 4)).Ready(1, 500);
        d.On(Ttou);
        Assert.Equal([([500], SignalNames.Term, false)], d.Signals);
        d.On(new HangupReceived());
        Assert.Equal([(2, 0), (2, 1), (2, 2), (2, 3)], d.Spawns);
        d.ServePool(2, 600, 700, 800, 900);
        Assert.Equal([2, 2, 2, 2], d.State.Roster.CurrentWorkers.Select(w => w.Generation));
        Assert.Equal([([100, 200, 300, 400], SignalNames.Term, false)], d.Signals);
    }

    [Fact]
    public void TheCountSurvivesAnEnvDirReadAndRecycling()
    {
        var settings = Pool with { MaxWorkerLifetime = TimeSpan.FromSeconds(100) };
        var d = Serving(settings).On(Ttin).On(new EnvDirRead(settings with { KillOldDelay = TimeSpan.FromSeconds(1) }));
        Assert.Equal(4, d.State.WorkerCount);
        d.On(new WorkerSpawned(1, 400, Slot: 3)).Ready(1, 400).On(new LifetimeElapsed(400));
        Assert.Equal([(1, 3)], d.Spawns);
        d.On(new WorkerSpawned(1, 500, Slot: 3)).Ready(1, 500);
        Assert.Equal([100, 200, 300, 500], d.State.Roster.Current!.Slots.Select(s => s.Serving!.Pid));
    }

    [Fact]
    public void DuringAHandoverTtinGrowsTheGenerationThatWillServe()
    {
        var d = Serving().On(new HangupReceived()).Spawn(2, 400, 500, 600);
        d.On(Ttin);
        Assert.Equal([(2, 3)], d.Spawns);
        d.Ready(2, 400).Ready(2, 500).Ready(2, 600);
        Assert.Null(d.State.Roster.Current);
        d.On(new WorkerSpawned(2, 700, Slot: 3)).Ready(2, 700);
        Assert.Equal([400, 500, 600, 700], d.State.Roster.CurrentWorkers.Select(w => w.Pid));
        Assert.Equal([([100, 200, 300], SignalNames.Term, false)], d.Signals);
    }

    [Fact]
    public void DuringAHandoverTtouShrinksTheGenerationThatWillServeWhichMayThenHaveStarted()
    {
        var d = Serving().On(new HangupReceived()).Spawn(2, 400, 500, 600).Ready(2, 400).Ready(2, 500);
        d.On(Ttou);
        Assert.Contains(d.Signals, s => s is { Pids: [600], Signal: SignalNames.Term });
        Assert.Equal([400, 500], d.State.Roster.CurrentWorkers.Select(w => w.Pid));
        Assert.Contains(d.Signals, s => s is { Pids: [100, 200, 300], Signal: SignalNames.Term });
    }

    [Fact]
    public void AfterAFailedStartTheRetryHasTheNewSize()
    {
        var d = Serving(Pool with { Interval = TimeSpan.Zero }).On(new HangupReceived()).Spawn(2, 400, 500, 600).On(new WorkerExited(500, ExitedThree));
        Assert.True(d.State.Roster.Pending!.Failed);
        d.On(Ttin);
        Assert.Empty(d.Spawns);
        var retry = d.State.Roster.Pending!;
        d.On(new RetryDue(retry.Generation));
        Assert.Equal(4, d.Spawns.Length);
    }

    [Fact]
    public void OneWorkerGrownByTtinBecomesAPoolWhoseSlotsAreNamed()
    {
        var d = Running().On(Ttin);
        Assert.Equal([(1, 1)], d.Spawns);
        d.On(new WorkerSpawned(1, 200, Slot: 1));
        Assert.Contains(new StartingWorker(200, 1, Slot: 1), d.Said);
    }

    [Fact]
    public void ASpawnThatComesBackForASlotTtouTookIsStopped()
    {
        var d = Serving().On(new HangupReceived());
        d.On(new WorkerSpawned(2, 400, Slot: 0)).On(new WorkerSpawned(2, 500, Slot: 1)).On(Ttou);
        d.On(new WorkerSpawned(2, 600, Slot: 2));
        Assert.Equal([([600], SignalNames.Term, false)], d.Signals);
        Assert.Contains(600, d.State.Roster.LivePids);
    }

    [Fact]
    public void WhileStoppingResizingIsIgnored()
    {
        var d = Serving().On(new TerminateReceived(SignalNames.Term)).On(Ttin);
        Assert.Equal([new SignalIgnoredWhileStopping(SignalNames.Ttin)], d.Said);
        Assert.Empty(d.Spawns);
    }
}
