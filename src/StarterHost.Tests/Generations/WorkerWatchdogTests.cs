using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>
/// --worker-watchdog: a started worker that stops sending WATCHDOG=1 (or says WATCHDOG=trigger) is a failed member,
/// replaced first, then sent the watchdog signal, its group killed at the drain deadline.
/// </summary>
public sealed class WorkerWatchdogTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private static readonly RuntimeSettings Watched = Pool with { WorkerWatchdog = Period, BackoffMax = TimeSpan.FromSeconds(30) };

    private static readonly RuntimeSettings WatchedOne = Defaults with { WorkerWatchdog = Period, DrainTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>Generation 1 (pids 100, 200, 300) serving and stable.</summary>
    private static MachineDriver Serving(RuntimeSettings? settings = null) =>
        new MachineDriver(settings ?? Watched).On(new Started()).ServePool(1, 100, 200, 300).On(new GenerationStable(1));

    private static WorkerNotified Ping(int pid) => new(pid, false, null, Watchdog: WatchdogMessage.Ping);

    private static WorkerNotified Trigger(int pid) => new(pid, false, null, Watchdog: WatchdogMessage.Trigger);

    [Fact]
    public void TheWatchdogIsArmedOnceAWorkerHasStartedAndEachPingArmsItAgain()
    {
        var d = new MachineDriver(Watched).On(new Started()).Spawn(1, 100, 200, 300);
        d.On(Ping(100));
        Assert.Empty(d.Timers<WorkerSilent>());
        d.Ready(1, 100);
        Assert.Equal(new StartTimer(new WorkerSilent(100), Period), d.Last.OfType<StartTimer>().Single(t => t.Event is WorkerSilent));
        d.Ready(1, 200).Ready(1, 300);
        d.On(Ping(200));
        Assert.Equal(new StartTimer(new WorkerSilent(200), Period), Assert.Single(d.Last));
    }

    [Fact]
    public void WithoutTheOptionNothingIsArmedAndWatchdogMessagesChangeNothing()
    {
        var d = Serving(Pool);
        Assert.DoesNotContain(d.Last, c => c is StartTimer { Event: WorkerSilent });
        d.On(Ping(100));
        Assert.Empty(d.Last);
        d.On(Trigger(100));
        Assert.Empty(d.Last);
        d.On(new WorkerSilent(100));
        Assert.Empty(d.Last);
    }

    [Fact]
    public void ASilentMemberIsLoggedCountedReplacedInItsSlotThenSignalledAndKilledAtTheDrainDeadline()
    {
        var d = Serving().On(new WorkerSilent(200));
        Assert.Contains(new WorkerHung(new Worker(1, 200, 1), 1, Period, SignalNames.Abrt), d.Said);
        // The replacement first, then the signal: the slot is never left without a worker on its way.
        int spawn = d.Last.IndexOf(new SpawnWorker(1, 1));
        int signal = d.Last.ToList().FindIndex(c => c is SignalWorkers);
        Assert.True(spawn >= 0 && signal > spawn, string.Join(", ", d.Last));
        Assert.Equal([([200], SignalNames.Abrt, false)], d.Signals);
        Assert.Equal(new DrainDeadlineDue([200]), Assert.Single(d.Timers<DrainDeadlineDue>()));
        Assert.Equal(1, d.State.Counters.Failures);
        Assert.Equal("generation 1 worker 200 (slot 1) hung (no WATCHDOG=1 for 10 s)", d.LastFailure);
        Assert.Equal("generation 1: 2/3 ready; generation 1: 1 draining; last failure: generation 1 worker 200 (slot 1) hung (no WATCHDOG=1 for 10 s)", d.StatusLine);
        Assert.Equal(ProcessState.Draining, StatusDetail.Of(d.State).Processes.Single(p => p.Worker.Pid == 200).State);

        d.On(new WorkerSpawned(1, 400, Slot: 1)).Ready(1, 400);
        Assert.Contains(new SlotServing(new Worker(1, 400, 1)), d.Said);
        Assert.Empty(d.Signals);
        d.On(new DrainDeadlineDue([200]));
        Assert.Equal([([200], SignalNames.Kill, true)], d.Signals);
        d.On(new WorkerExited(200, new Workers.WaitStatus(SignalNames.Kill)));
        Assert.Equal([100, 400, 300], d.State.Roster.Current!.Slots.Select(s => s.Serving!.Pid));
        // Killed at its deadline, but for the watchdog: the metrics count it there.
        Assert.Equal(new WorkerExits(Watchdog: 1), d.State.Counters.Exits);
    }

    [Fact]
    public void TheOtherMembersOfAPoolAreNotDisturbed()
    {
        var d = Serving().On(new WorkerSilent(200));
        Assert.DoesNotContain(d.Last, c => c is SignalWorkers s && (s.Pids.Contains(100) || s.Pids.Contains(300)));
        Assert.DoesNotContain(d.Last, c => c is CancelTimer or ForgetWorker);
        Assert.Equal(ProcessState.Serving, StatusDetail.Of(d.State).Processes.Single(p => p.Worker.Pid == 100).State);
    }

    [Fact]
    public void WithOneWorkerTheNextGenerationReplacesAHungOneAsStartServerReplacesADeadOne()
    {
        var d = Running(WatchedOne).On(new GenerationStable(1)).On(new WorkerSilent(100));
        Assert.Contains(new WorkerHung(new Worker(1, 100), null, Period, SignalNames.Abrt), d.Said);
        Assert.Equal([(2, 0)], d.Spawns);
        Assert.Equal([([100], SignalNames.Abrt, false)], d.Signals);
        d.Serve(2, 200);
        // Already on its way out: accepting generation 2 signals it no second time.
        Assert.Empty(d.Signals);
        Assert.Equal([200], d.State.Roster.CurrentWorkers.Select(w => w.Pid));
    }

    [Fact]
    public void WatchdogTriggerIsAHangAtOnce()
    {
        var d = Serving().On(Trigger(300));
        Assert.Contains(new WorkerHung(new Worker(1, 300, 2), 2, null, SignalNames.Abrt), d.Said);
        Assert.Equal([(1, 2)], d.Spawns);
        Assert.Equal([([300], SignalNames.Abrt, false)], d.Signals);
        Assert.Equal("generation 1 worker 300 (slot 2) hung (it sent WATCHDOG=trigger)", d.LastFailure);
    }

    [Fact]
    public void APingThatComesLateSavesNothingAndIsNotAHangTwice()
    {
        var d = Serving().On(new WorkerSilent(200));
        d.On(Ping(200));
        Assert.Empty(d.Last);
        d.On(new WorkerSilent(200));
        Assert.Empty(d.Last);
        d.On(Trigger(200));
        Assert.Empty(d.Last);
        Assert.Equal(1, d.State.Counters.Failures);
    }

    [Theory]
    [InlineData(999)] // no worker of ours: the notify socket's owner is always one, but nothing else counts either
    [InlineData(0)]
    public void APingOrTriggerForAPidNotWatchedChangesNothing(int pid)
    {
        var d = Serving();
        d.On(Ping(pid));
        Assert.Empty(d.Last);
        d.On(Trigger(pid));
        Assert.Empty(d.Last);
    }

    [Fact]
    public void AWorkerStillStartingIsNotWatchedYetItsStartIsTheStartTimeoutsBusiness()
    {
        var d = Serving().On(new WorkerExited(200, Killed)).On(new WorkerSpawned(1, 400, Slot: 1));
        d.On(Trigger(400));
        Assert.Empty(d.Last);
        d.On(new WorkerSilent(400));
        Assert.Empty(d.Last);
    }

    [Fact]
    public void AReplacementThatHangsAgainWaitsOutTheBackoff()
    {
        // No --interval to prove the replacement served: its failure is remembered until it has served a second.
        var d = Serving(Watched with { Interval = TimeSpan.Zero }).On(new WorkerSilent(200));
        Assert.Equal([(1, 1)], d.Spawns);
        d.On(new WorkerSpawned(1, 400, Slot: 1)).Ready(1, 400).On(new WorkerSilent(400));
        Assert.Empty(d.Spawns);
        var retry = Assert.Single(d.Last.OfType<StartTimer>(), t => t.Event is SlotRetryDue);
        Assert.True(retry.Delay > TimeSpan.Zero);
        Assert.Equal([([400], SignalNames.Abrt, false)], d.Signals);
        Assert.Equal(2, d.State.Failures.Consecutive);
        Assert.Equal(2, d.State.Counters.Failures);
    }

    [Fact]
    public void DuringAHandoverAnOldWorkerStillServingThatHangsIsCountedAndSignalledButNotReplaced()
    {
        var d = Serving().On(new HangupReceived()).Spawn(2, 400, 500, 600);
        d.On(new WorkerSilent(200));
        Assert.Contains(new WorkerHung(new Worker(1, 200, 1), 1, Period, SignalNames.Abrt), d.Said);
        Assert.Empty(d.Spawns);
        Assert.Equal([([200], SignalNames.Abrt, false)], d.Signals);
        Assert.Equal(1, d.State.Counters.Failures);
        d.On(new WorkerExited(200, new Workers.WaitStatus(SignalNames.Abrt)));
        Assert.Equal(1, d.State.Counters.Exits.Watchdog);
        // The generation on its way is untouched, and once it has started only the old workers still serving are retired.
        d.Ready(2, 400).Ready(2, 500).Ready(2, 600);
        Assert.Equal([([100, 300], SignalNames.Term, false)], d.Signals);
    }

    [Fact]
    public void DuringAHandoverAStartedMemberOfTheNewGenerationThatHangsFailsItsGeneration()
    {
        var d = Serving().On(new HangupReceived()).Spawn(2, 400, 500, 600).Ready(2, 400);
        d.On(new WorkerSilent(400));
        Assert.Contains(new WorkerHung(new Worker(2, 400, 0), 0, Period, SignalNames.Abrt), d.Said);
        Assert.Contains(d.Signals, s => s is { Pids: [400], Signal: SignalNames.Abrt, Group: false });
        // Its other members, not started, are stopped as after any failed start.
        Assert.Equal([500, 600], d.Signals.Where(s => s.Signal == SignalNames.Term).SelectMany(s => s.Pids).Order());
        // A first failed start: the next attempt follows at once, as after any other.
        Assert.Equal([(3, 0), (3, 1), (3, 2)], d.Spawns);
        Assert.Equal("generation 2 hung (no WATCHDOG=1 for 10 s); generation 1 keeps serving, and StarterHost tries again", d.RestartFailure);
        // Generation 1 serves on, untouched.
        Assert.Equal(3, d.State.Roster.OldStillServing.Count());
    }

    [Fact]
    public void WhileStoppingSilenceMeansNothing()
    {
        var d = Serving().On(new TerminateReceived(SignalNames.Term));
        d.On(new WorkerSilent(100));
        Assert.Empty(d.Last.OfType<SignalWorkers>());
        Assert.Empty(d.Said.OfType<WorkerHung>());
    }

    [Fact]
    public void TheWatchdogSignalIsTheOneConfigured()
    {
        var d = Serving(Watched with { WatchdogSignal = SignalNames.Quit }).On(new WorkerSilent(100));
        Assert.Equal([([100], SignalNames.Quit, false)], d.Signals);
    }
}
