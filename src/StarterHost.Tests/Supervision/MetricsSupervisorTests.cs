using StarterHost.Generations;
using StarterHost.Metrics;
using StarterHost.Signals;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// What a scrape shows, through the supervisor on the fake OS seam and a fake clock: the machine's counts, the
/// durations the supervisor stamps, each slot's memory. No process, no socket: the endpoint has tests of its own.
/// </summary>
public sealed class MetricsSupervisorTests
{
    private static readonly RuntimeSettings Settings = Generations.MachineDriver.Defaults with
    {
        DrainTimeout = TimeSpan.FromSeconds(10),
        BackoffMax = TimeSpan.FromSeconds(30),
    };

    private SupervisorHarness _h = new(Settings);

    private MetricsSnapshot Scrape() =>
        new StarterHostMetrics(() => _h.Supervisor.State, _h.Supervisor.Metrics, [], _h.Os.ResidentMemory, "1.2.3").Snapshot();

    private void Serving(RuntimeSettings? settings = null)
    {
        if (settings is not null)
            _h = new SupervisorHarness(settings);
        _h.Start().Exec().Advance((settings ?? Settings).Interval);
    }

    /// <summary>Time passes, a second at a time, until a worker was spawned after the first <paramref name="spawns"/>: its pid.</summary>
    private int NextSpawn(int spawns)
    {
        for (int i = 0; i < 100 && _h.Os.Spawns.Count == spawns; i++)
            _h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_h.Os.Spawns.Count > spawns, "no spawn within 100 s");
        return _h.Os.Spawns[^1].Pid;
    }

    /// <summary>The upgrades in place the machine counted (its state crosses each exec) are the scrape's counter.</summary>
    [Fact]
    public void UpgradesInPlaceAreTheMachinesCount()
    {
        Serving();
        Assert.Equal(0, Scrape().Upgrades);
        var upgraded = _h.Supervisor.State with { Counters = _h.Supervisor.State.Counters with { Upgrades = 3 } };
        Assert.Equal(3, new StarterHostMetrics(() => upgraded, _h.Supervisor.Metrics, [], _h.Os.ResidentMemory, "1.2.3").Snapshot().Upgrades);
    }

    [Fact]
    public void AHangupShowsAsTheNextGenerationARestartAHandoverAndADrain()
    {
        Serving();
        var first = Scrape();
        Assert.Equal(("1.2.3", 1, 0L), (first.Version, first.Generation, first.Restarts));
        Assert.Equal(new WorkerCounts(Starting: 0, Serving: 1, Draining: 0, Leftover: 0), first.Workers);
        Assert.Equal(0, first.Handover.Count);

        _h.Signal(SignalNames.Hup).Exec();
        var during = Scrape();
        // The old generation serves until the new one has started.
        Assert.Equal(1, during.Generation);
        Assert.Equal(new WorkerCounts(Starting: 1, Serving: 1, Draining: 0, Leftover: 0), during.Workers);
        Assert.Equal(1, during.Restarts);

        _h.Advance(Settings.Interval);
        var after = Scrape();
        Assert.Equal(2, after.Generation);
        Assert.Equal(new WorkerCounts(Starting: 0, Serving: 1, Draining: 1, Leftover: 0), after.Workers);
        Assert.Equal((1L, 1.0), (after.Handover.Count, after.Handover.Sum));
        Assert.Equal(0, after.Drain.Count);

        _h.Advance(TimeSpan.FromSeconds(2.5));
        _h.Os.Exit(100);
        _h.Run();
        var drained = Scrape();
        Assert.Equal((1L, 2.5), (drained.Drain.Count, drained.Drain.Sum));
        Assert.Equal(new WorkerExitCounts(Exited: 1, Crashed: 0, KilledAtDeadline: 0, Recycled: 0, Watchdog: 0), drained.Exits);
        Assert.Equal(new WorkerCounts(Starting: 0, Serving: 1, Draining: 0, Leftover: 0), drained.Workers);
        Assert.Equal(1, drained.Handover.Count);
    }

    [Fact]
    public void ACrashAFailedStartAndAWorkerKilledAtItsDeadlineAreCountedApart()
    {
        Serving();
        _h.Os.Exit(100, status: SignalNames.Kill);
        _h.Run();
        Assert.Equal(new WorkerExitCounts(0, Crashed: 1, 0, 0, 0), Scrape().Exits);
        Assert.Equal(0, Scrape().FailedStarts);

        // Generation 2 replaces it (after the backoff, if any), and dies before its interval is over: a failed start.
        int second = NextSpawn(1);
        Assert.NotEqual(100, second);
        _h.Exec().Advance(TimeSpan.FromSeconds(0.5));
        _h.Os.Exit(second, status: 3 << 8);
        _h.Run();
        Assert.Equal(1, Scrape().FailedStarts);
        Assert.Equal(new WorkerExitCounts(0, Crashed: 2, 0, 0, 0), Scrape().Exits);

        // The retry serves; a HUP replaces it, and the old one ignores its TERM until the drain deadline.
        NextSpawn(2);
        _h.Exec().Advance(Settings.Interval);
        int serving = _h.Supervisor.State.Roster.CurrentWorkers.Single().Pid;
        _h.Signal(SignalNames.Hup).Exec().Advance(Settings.Interval);
        _h.Advance(Settings.DrainTimeout);
        Assert.Contains((serving, SignalNames.Kill, true), _h.Os.Signals);
        _h.Os.Exit(serving, status: SignalNames.Kill);
        _h.Run();
        var scrape = Scrape();
        Assert.Equal(new WorkerExitCounts(0, Crashed: 2, KilledAtDeadline: 1, 0, 0), scrape.Exits);
        Assert.Equal((1L, Settings.DrainTimeout.TotalSeconds), (scrape.Drain.Count, scrape.Drain.Sum));
    }

    [Fact]
    public void ARecycledWorkerIsCountedAsSuchAndMemoryIsShownBySlotNeverByPid()
    {
        var pool = Generations.MachineDriver.Pool with { MaxWorkerLifetime = TimeSpan.FromSeconds(100) };
        Serving(pool);
        _h.Os.Memory[100] = 10L << 20;
        _h.Os.Memory[200] = 20L << 20;
        Assert.Equal([new SlotMemory(0, 10L << 20), new SlotMemory(1, 20L << 20)], Scrape().ResidentMemory);
        Assert.Equal(3, Scrape().WorkersConfigured);

        // Past the lifetime and its jitter: each slot gets a replacement, and the one it replaces goes once it has started.
        _h.Advance(TimeSpan.FromSeconds(111)).Exec().Advance(pool.Interval);
        var replaced = _h.Os.Signals.Where(s => s.Signal == SignalNames.Term).Select(s => s.Pid).ToList();
        Assert.Equal([100, 200, 300], replaced.Order());
        foreach (int pid in replaced)
            _h.Os.Exit(pid);
        _h.Run();
        var scrape = Scrape();
        Assert.Equal(new WorkerExitCounts(0, 0, 0, Recycled: 3, 0), scrape.Exits);
        Assert.Equal(new WorkerCounts(Starting: 0, Serving: 3, Draining: 0, Leftover: 0), scrape.Workers);
        Assert.Equal(1, scrape.Generation);
        Assert.Equal(0, scrape.Handover.Count);
    }
}
