using System.Text.Json;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Tests.Support;
using StarterHost.Upgrade;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// An upgrade in place through the fake seams: the exec is carried out only at the quiet point (everything that
/// arrived applied, its status written, nothing starting), a HUP is never lost to it, and what the effect layer
/// stamped crosses it with the state. The new image is a second supervisor given the handoff, as Main gives it.
/// </summary>
public sealed class UpgradeSupervisorTests : IDisposable
{
    private static readonly RuntimeSettings Settings = Generations.MachineDriver.Defaults with
    {
        DetailedStatus = true,
        DrainTimeout = TimeSpan.FromSeconds(10),
        BackoffMax = TimeSpan.FromSeconds(30),
    };

    private readonly TempDirectory _dir = new();
    private readonly FakeUpgrader _upgrader = new();
    private readonly SupervisorHarness _h;
    private readonly DateTime _start;

    public UpgradeSupervisorTests()
    {
        _h = new SupervisorHarness(Settings, json: Json("old.json"), upgrader: _upgrader);
        _start = _h.Clock.GetUtcNow().UtcDateTime;
    }

    public void Dispose() => _dir.Dispose();

    private StatusJsonWriter Json(string name) => new(_dir.File(name), new HostReport(1, "0.1.0-test", DateTime.UnixEpoch));

    private StatusReport Read(string name) => JsonSerializer.Deserialize(File.ReadAllText(_dir.File(name)), StatusJsonContext.Default.StatusReport)!;

    private DateTime At(double seconds) => _start.AddSeconds(seconds);

    /// <summary>Generation 1 (pid 100) serving since second 1.</summary>
    private SupervisorHarness Serving()
    {
        _h.Start().Exec().Advance(Settings.Interval);
        Assert.Equal([new Worker(1, 100)], _h.Supervisor.State.Roster.CurrentWorkers.ToArray());
        return _h;
    }

    /// <summary>The new file's check passes.</summary>
    private SupervisorHarness CheckPasses()
    {
        _h.Os.Exit(FakeUpgrader.CheckPid);
        return _h.Run();
    }

    /// <summary>The image the exec started: a supervisor of its own, given the handoff, whose clock goes on from the old one's.</summary>
    private SupervisorHarness NewImage(UpgradeHandoff handoff, TimeSpan execTook)
    {
        var image = new SupervisorHarness(Settings, json: Json("new.json"), upgrader: new FakeUpgrader());
        image.Clock.SetUtcNow(_h.Clock.GetUtcNow() + execTook);
        image.Os.NextPid = _h.Os.NextPid;
        foreach (int pid in _h.Os.LiveGroups)
            image.Os.LiveGroups.Add(pid);
        image.Supervisor.Restore(handoff, new UpgradeRestored(handoff.Attempt, "2.0.0"), (_, _) => true);
        return image.Run();
    }

    [Fact]
    public void TheExecWaitsForEverythingThatArrivedAndForWhatItWouldLoseAndHandsOverTheStateAsWritten()
    {
        Serving().Signal(SignalNames.Usr2);
        Assert.Equal([1], _upgrader.Checks);
        // The check reads what a restore would: the times the exec hands over too, here the serving worker's.
        Assert.Equal([100], Assert.Single(_upgrader.CheckedTimelines)!.Live.Select(t => t.Pid));
        _upgrader.OnExec = handoff =>
        {
            // The moment of the exec: the state handed over is the one applied last, and the one written.
            Assert.Equal(_h.Supervisor.Snapshot(), handoff.Machine);
            Assert.Equal(handoff.Machine.State.StatusDocument, _h.Service.Written[^1]);
        };

        // The check passes in the wake that also brings a HUP: the HUP is applied, and its spawn's exec helper,
        // whose report an exec would lose, is waited for.
        _h.Supervisor.Signals.Raise(SignalNames.Hup);
        CheckPasses();
        Assert.Equal([1, 2], _h.Os.Spawned);
        Assert.Contains("the new file (2.0.0) can take over; upgrading once the spawn or check command under way is done", _h.Log.Lines);
        // Wake after wake while the helper has not reported its exec: no exec.
        _h.Advance(Settings.Interval * 3).Advance(Settings.Interval * 3);
        Assert.Empty(_upgrader.Execs);

        // The helper became the worker: nothing is left that the exec would lose, and it happens at once, before the
        // worker's --interval; generation 2 crosses it starting, its interval a timer, generation 1 not yet signalled.
        _h.Exec();
        var handoff = Assert.Single(_upgrader.Execs);
        var roster = handoff.Machine.State.Roster;
        Assert.Equal(2, roster.Pending?.Generation);
        Assert.Equal([new Worker(1, 100)], roster.Old.Select(o => o.Worker).ToArray());
        Assert.Contains(handoff.Machine.Timers, t => t.Event == new StartupIntervalElapsed(2, 200));
        Assert.Empty(_h.Os.Signals);
        Assert.Empty(handoff.Signals.ToArray());

        // The new image finishes the restart: generation 2 serves after its interval, and generation 1 is told to go, once.
        var image = NewImage(handoff, TimeSpan.FromMilliseconds(200));
        image.Advance(Settings.Interval);
        Assert.Equal([new Worker(2, 200)], image.Supervisor.State.Roster.CurrentWorkers.ToArray());
        Assert.Equal([(100, SignalNames.Term, false)], image.Os.Signals);
        Assert.Empty(image.Os.Spawned);
    }

    [Fact]
    public void NoExecWhileTheCheckRunsOrAfterItFailed()
    {
        Serving().Signal(SignalNames.Usr2).Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(_upgrader.Execs);
        _h.Os.Exit(FakeUpgrader.CheckPid, status: 1 << 8);
        _h.Run().Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(_upgrader.Execs);
        Assert.Equal([(1, false, "test: check failed")], _upgrader.Reports);
    }

    [Fact]
    public void AHangupThatArrivesAsTheExecIsDecidedGoesWithTheStateAndTheNewImageActsOnItOnce()
    {
        Serving().Signal(SignalNames.Usr2);
        // It arrives after the last batch was taken: the loop is at its quiet point, saying it execs.
        _h.Log.OnLine = line =>
        {
            if (line.StartsWith("upgrading in place to", StringComparison.Ordinal))
                _h.Supervisor.Signals.Raise(SignalNames.Hup);
        };
        List<int>? spawnedAtExec = null;
        _upgrader.OnExec = _ => spawnedAtExec = [.. _h.Os.Spawned];
        CheckPasses();

        var handoff = Assert.Single(_upgrader.Execs);
        Assert.Equal([SignalNames.Hup], handoff.Signals.ToArray());
        Assert.Equal([1], spawnedAtExec);

        var image = NewImage(handoff, TimeSpan.FromMilliseconds(300));
        Assert.Equal([2], image.Os.Spawned);
        Assert.Single(image.Log.Lines, l => l == "received HUP, spawning a new worker");
        Assert.Equal(1, image.Supervisor.State.Counters.Upgrades);
        Assert.Equal(1, image.Supervisor.State.Counters.Restarts);
        image.Exec().Advance(Settings.Interval);
        Assert.Equal([new Worker(2, image.Os.Spawns.Single().Pid)], image.Supervisor.State.Roster.CurrentWorkers.ToArray());
        Assert.Contains((100, SignalNames.Term, false), image.Os.Signals);
    }

    [Fact]
    public void AnExecThatFailsLeavesTheHangupToThisImage()
    {
        Serving().Signal(SignalNames.Usr2);
        _h.Log.OnLine = line =>
        {
            if (line.StartsWith("upgrading in place to", StringComparison.Ordinal))
                _h.Supervisor.Signals.Raise(SignalNames.Hup);
        };
        CheckPasses();
        Assert.Single(_upgrader.Execs);
        Assert.Equal([1, 2], _h.Os.Spawned);
        Assert.Single(_h.Log.Lines, l => l == "received HUP, spawning a new worker");
    }

    [Fact]
    public void AnAdoptedWorkerKeepsItsTimesAndTheCountsAndDurationsGoOn()
    {
        Serving();
        _h.Advance(TimeSpan.FromSeconds(5)).Signal(SignalNames.Hup).Exec().Advance(Settings.Interval);
        _h.Advance(TimeSpan.FromSeconds(2));
        _h.Os.Exit(100, status: SignalNames.Term);
        _h.Run().Advance(TimeSpan.FromSeconds(60));
        var before = Read("old.json");
        var worker = Assert.Single(before.Processes);
        Assert.Equal((200, At(6), At(7)), (worker.Pid, worker.StartedAt, worker.ReadyAt));
        Assert.Equal(1, _h.Supervisor.Metrics.Drain.Snapshot().Count);
        Assert.Equal(1, _h.Supervisor.Metrics.Handover.Snapshot().Count);

        _h.Signal(SignalNames.Usr2);
        CheckPasses();
        var image = NewImage(Assert.Single(_upgrader.Execs), TimeSpan.FromSeconds(1));
        var after = Read("new.json");
        Assert.Equal(1, after.Starterhost.Upgrades);
        Assert.Equal(before.Processes, after.Processes);
        Assert.Equal(before.Restarts, after.Restarts);
        Assert.Equal(_h.Supervisor.Metrics.Drain.Snapshot().Counts, image.Supervisor.Metrics.Drain.Snapshot().Counts);
        Assert.Equal(_h.Supervisor.Metrics.Handover.Snapshot().Sum, image.Supervisor.Metrics.Handover.Snapshot().Sum);
    }
}
