using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>
/// --handover=all|rolling: a HUP replaces a pool, and the workers that have started and are not
/// signalled never number fewer than --workers, checked after every event.
/// </summary>
public sealed class PoolHandoverTests
{
    /// <summary>Feeds events one by one; after each, capacity is at least the pool size.</summary>
    private static void Feed(MachineDriver d, params StarterEvent[] events)
    {
        foreach (var evt in events)
        {
            d.On(evt);
            Assert.True(d.Capacity >= 3, $"capacity {d.Capacity} after {evt}");
        }
    }

    private static MachineDriver Serving(RuntimeSettings settings) =>
        new MachineDriver(settings).On(new Started()).ServePool(1, 100, 200, 300);

    /// <summary>Old workers exit as soon as they are signalled, as a quick server does.</summary>
    private static void ExitWhenSignalled(MachineDriver d)
    {
        foreach (int pid in d.Signals.SelectMany(s => s.Pids).ToList())
            Feed(d, new WorkerExited(pid, ExitedZero));
    }

    [Theory]
    [InlineData(HandoverMode.All, new[] { 0, 1, 2 })]
    [InlineData(HandoverMode.All, new[] { 2, 0, 1 })]
    [InlineData(HandoverMode.Rolling, new[] { 0, 1, 2 })]
    [InlineData(HandoverMode.Rolling, new[] { 2, 0, 1 })]
    [InlineData(HandoverMode.Rolling, new[] { 1, 2, 0 })]
    public void CapacityNeverDropsBelowTheWorkersDuringAHandover(HandoverMode mode, int[] readyOrder)
    {
        var settings = Pool with { Handover = mode };
        var d = Serving(settings);
        Feed(d, new HangupReceived());
        Feed(d, [.. new[] { 400, 500, 600 }.Select((pid, slot) => new WorkerSpawned(2, pid, Slot: slot))]);
        var signalled = new List<int>();
        for (int i = 0; i < readyOrder.Length; i++)
        {
            int slot = readyOrder[i];
            Feed(d, new StartupIntervalElapsed(2, 400 + slot * 100));
            var sent = d.Signals.SelectMany(s => s.Pids).ToArray();
            signalled.AddRange(sent);
            if (mode == HandoverMode.Rolling)
                Assert.Equal([100 + slot * 100], sent);
            else
                Assert.Equal(i == 2 ? [100, 200, 300] : [], sent);
            Assert.Equal(i == 2, d.Last.Contains(new ReportReady(2)));
            ExitWhenSignalled(d);
        }
        Assert.Equal([100, 200, 300], signalled.Order());
        Assert.Equal("2:400\n2:500\n2:600\n", StatusText(new WriteStatus(d.State.StatusDocument)));
        Assert.Equal(2, d.State.Roster.Current!.Generation);
    }

    [Fact]
    public void RollingWaitsOutTheKillOldDelayForEachOldWorker()
    {
        var settings = Pool with { Handover = HandoverMode.Rolling, KillOldDelay = TimeSpan.FromSeconds(5), SignalOnHup = SignalNames.Usr1 };
        var d = Serving(settings).On(new HangupReceived()).Spawn(2, 400, 500, 600);
        Feed(d, new StartupIntervalElapsed(2, 500));
        Assert.Contains(new SleepingBeforeKill(TimeSpan.FromSeconds(5)), d.Said);
        Assert.Empty(d.Signals);
        var due = d.Timers<KillOldDelayElapsed>().Single();
        Assert.Equal([200], due.Pids.ToArray());
        Feed(d, due);
        Assert.Equal([([200], SignalNames.Usr1, false)], d.Signals);
    }

    [Fact]
    public void RollingKeepsTheStartedMembersOfAFailedAttemptServingUntilTheNextAttemptReplacesThem()
    {
        var settings = Pool with { Handover = HandoverMode.Rolling };
        var d = Serving(settings);
        Feed(d, new HangupReceived(), new WorkerSpawned(2, 400, Slot: 0), new WorkerSpawned(2, 500, Slot: 1), new WorkerSpawned(2, 600, Slot: 2));
        Feed(d, new StartupIntervalElapsed(2, 400));
        Assert.Equal([([100], SignalNames.Term, false)], d.Signals);
        Feed(d, new WorkerExited(100, ExitedZero));

        // 500 dies: generation 2 failed. 400 has replaced 100 and serves on; 600 had not started.
        Feed(d, new WorkerExited(500, ExitedThree));
        Assert.Equal([([600], SignalNames.Term, false)], d.Signals);
        Assert.Contains(d.Said, n => n is PoolMembersServeOn { Generation: 2 } s && s.Pids.SequenceEqual([400]));
        Assert.Equal("1:200\n1:300\n2:400\n", StatusText(d.Single<WriteStatus>()));
        Assert.Contains("generation 2: 1 serving", d.StatusLine);
        Feed(d, new WorkerExited(600, ExitedZero), new StartupIntervalElapsed(2, 500));
        Assert.Equal([(3, 0), (3, 1), (3, 2)], d.Spawns);

        // Generation 3 replaces each slot's worker, whatever generation it belongs to.
        Feed(d, new WorkerSpawned(3, 700, Slot: 0), new WorkerSpawned(3, 800, Slot: 1), new WorkerSpawned(3, 900, Slot: 2));
        Feed(d, new StartupIntervalElapsed(3, 700));
        Assert.Equal([([400], SignalNames.Term, false)], d.Signals);
        Feed(d, new StartupIntervalElapsed(3, 900));
        Assert.Equal([([300], SignalNames.Term, false)], d.Signals);
        Feed(d, new StartupIntervalElapsed(3, 800));
        Assert.Equal([([200], SignalNames.Term, false)], d.Signals);
        Assert.Equal(3, d.State.Roster.Current!.Generation);
        Assert.Null(d.RestartFailure);
    }

    [Fact]
    public void AllRetiresTheStartedMembersOfAFailedAttemptGracefullyAndTheOldPoolServesOn()
    {
        var settings = Pool with { SignalOnHup = SignalNames.Usr1 };
        var d = Serving(settings);
        Feed(d, new HangupReceived(), new WorkerSpawned(2, 400, Slot: 0), new WorkerSpawned(2, 500, Slot: 1), new WorkerSpawned(2, 600, Slot: 2));
        Feed(d, new StartupIntervalElapsed(2, 400), new StartupIntervalElapsed(2, 600));
        Assert.Empty(d.Signals);
        Feed(d, new WorkerExited(500, ExitedThree));
        Assert.Equal([([400], SignalNames.Usr1, false), ([600], SignalNames.Usr1, false)], d.Signals);
        Assert.Equal("1:100\n1:200\n1:300\n", StatusText(new WriteStatus(d.State.StatusDocument)));
        Assert.Equal("generation 2 failed to start: worker 500 (slot 1) exited within the interval, status:768 (exit code 3); generation 1 keeps serving, and StarterHost tries again",
            d.RestartFailure);
    }

    [Theory]
    [InlineData(HandoverMode.All, new[] { 100, 200, 300 })]
    [InlineData(HandoverMode.Rolling, new[] { 400, 200, 300 })]
    public void GivingUpAfterMaxStartFailuresKeepsWhatServesEachSlot(HandoverMode mode, int[] serving)
    {
        var settings = Pool with { Handover = mode, MaxStartFailures = 1 };
        var d = Serving(settings).On(new HangupReceived()).Spawn(2, 400, 500, 600).Ready(2, 400);
        Feed(d, new WorkerExited(500, ExitedThree));
        Assert.Contains(d.Said, n => n is RestartAbandoned { Failures: 1, ServingGeneration: 1 });
        Assert.Null(d.State.Roster.Pending);
        Assert.Equal(1, d.State.Roster.Current!.Generation);
        Assert.Equal(serving, d.State.Roster.Current.Slots.Select(s => s.Serving!.Pid));
        Assert.False(d.Has<SpawnWorker>());
        // The next HUP replaces them all.
        d.On(new HangupReceived());
        Assert.Equal([(3, 0), (3, 1), (3, 2)], d.Spawns);
    }

    [Fact]
    public void StatusCountsEachGenerationsWorkers()
    {
        var settings = Pool with { Handover = HandoverMode.Rolling };
        var d = Serving(settings).On(new HangupReceived()).Spawn(2, 400, 500, 600).Ready(2, 400);
        Assert.Equal("generation 2 starting: 1/3 ready; generation 1: 2 serving, 1 draining", d.StatusLine);
        d.Ready(2, 500).Ready(2, 600);
        Assert.Equal("generation 2: 3/3 ready; generation 1: 3 draining", d.StatusLine);
        d.On(new WorkerExited(100, ExitedZero)).On(new WorkerExited(200, ExitedZero));
        Assert.Equal("generation 2: 3/3 ready; generation 1: 1 draining", d.StatusLine);
    }
}
