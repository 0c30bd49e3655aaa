using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Signals;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// The supervisor loop through the fake OS seams: batching, faults becoming events, timers, the exec helper's path
/// (the default) and the direct one, stop. No process runs here; the integration tests prove the same paths with
/// real ones.
/// </summary>
public sealed class SupervisorTests
{
    private static readonly RuntimeSettings Settings = Generations.MachineDriver.Defaults with
    {
        DrainTimeout = TimeSpan.FromSeconds(10),
        BackoffMax = TimeSpan.FromSeconds(30),
    };

    private readonly SupervisorHarness _h = new(Settings);

    /// <summary>Started, with generation 1 (pid 100) exec'd by its helper and accepted after the interval.</summary>
    private SupervisorHarness Serving()
    {
        _h.Start().Exec().Advance(Settings.Interval);
        Assert.Equal([new Worker(1, 100)], _h.Supervisor.State.Roster.CurrentWorkers.ToArray());
        return _h;
    }

    /// <summary>A HUP, and the new worker exec'd and accepted after the interval.</summary>
    private SupervisorHarness Restarted() => _h.Signal(SignalNames.Hup).Exec().Advance(Settings.Interval);

    [Fact]
    public void OnlyASignalWakesTheLoopAndNothingRunsUntilItDoes()
    {
        _h.Supervisor.Deliver(new Started());
        Assert.Empty(_h.Os.Spawned);
        _h.Run().Exec().Advance(Settings.Interval);
        Assert.Equal([1], _h.Os.Spawned);
        // Delivered on the loop thread, the start, the exec report and the timer woke nothing.
        Assert.Equal(0, _h.Bumps);

        _h.Supervisor.Signals.Raise(SignalNames.Hup);
        Assert.Equal(1, _h.Bumps);
        Assert.Equal([1], _h.Os.Spawned);
        _h.Run();
        Assert.Equal([1, 2], _h.Os.Spawned);
    }

    [Fact]
    public void AWorkerSpawnedThroughTheExecHelperStartsItsIntervalWhenItExecs()
    {
        _h.Start().Advance(Settings.Interval * 3);
        Assert.Empty(_h.Supervisor.State.Roster.CurrentWorkers);
        _h.Exec().Advance(Settings.Interval);
        Assert.Equal([new Worker(1, 100)], _h.Supervisor.State.Roster.CurrentWorkers.ToArray());
        Assert.Equal([null], _h.Service.Launcher);
    }

    [Fact]
    public void ASpawnWithoutTheExecHelperStartsItsIntervalAtOnce()
    {
        var h = new SupervisorHarness(Settings, throughExecHelper: false).Start().Advance(Settings.Interval);
        Assert.Equal([new Worker(1, 100)], h.Supervisor.State.Roster.CurrentWorkers.ToArray());
    }

    [Fact]
    public void AnExecNoRetryCanFixGivesTheFirstStartUpAndTellsTheLauncherWhy()
    {
        _h.Start();
        _h.Os.Exec(100, "cannot run /srv/app: No such file or directory", permanent: true);
        _h.Os.Exit(100, status: 127 << 8);
        _h.Run();
        Assert.Equal(1, _h.Supervisor.ExitCode);
        Assert.Equal([1], _h.Os.Spawned);
        Assert.Equal(["generation 1 could not be spawned: cannot run /srv/app: No such file or directory"], _h.Service.Launcher);
    }

    [Fact]
    public void AWorkersReadyDatagramStartsItWithNotifyReadiness()
    {
        var h = new SupervisorHarness(Settings with { Readiness = ReadinessMode.Notify, StartTimeout = TimeSpan.FromSeconds(60) }).Start().Exec();
        Assert.Empty(h.Supervisor.State.Roster.CurrentWorkers);
        h.Os.Notify(100, ready: false, status: "warming up");
        h.Run();
        Assert.Empty(h.Supervisor.State.Roster.CurrentWorkers);
        h.Os.Notify(100);
        h.Run();
        Assert.Equal([new Worker(1, 100)], h.Supervisor.State.Roster.CurrentWorkers.ToArray());
        Assert.Contains("READY=1", h.Service.Messages);
        Assert.Contains(h.Log.Lines, l => l.Contains("warming up", StringComparison.Ordinal));
    }

    [Fact]
    public void AWorkersDeathAndATermInOneBatchStopInsteadOfRespawning()
    {
        Serving();
        // A terminal's Ctrl-C or `timeout` reaching both: the exit is reaped in the same batch as the INT.
        _h.Os.Exit(100, status: 2);
        _h.Signal(SignalNames.Int);
        Assert.Equal([1], _h.Os.Spawned);
        Assert.Equal(0, _h.Supervisor.ExitCode);
    }

    [Fact]
    public void ASpawnThatThrowsBecomesAFailedStartRetriedAfterTheBackoff()
    {
        _h.Os.SpawnThrows = new InvalidOperationException("something no rule expected");
        _h.Start();
        Assert.Contains(_h.Log.Lines, l => l == "failed to start a worker for generation 1: something no rule expected");
        Assert.Equal([1], _h.Os.Spawned);
        _h.Os.SpawnThrows = null;
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([1, 2], _h.Os.Spawned);
        _h.Exec().Advance(Settings.Interval);
        Assert.Equal([new Worker(2, 100)], _h.Supervisor.State.Roster.CurrentWorkers.ToArray());
    }

    [Fact]
    public void AStatusWriteThatFailsHoldsReadyUntilARetrySucceeds()
    {
        _h.Service.StatusFails = "No such file or directory";
        _h.Start().Exec().Advance(Settings.Interval);
        Assert.DoesNotContain("READY=1", _h.Service.Messages);
        Assert.Empty(_h.Service.Launcher);
        Assert.Single(_h.Log.Lines, l => l.StartsWith("failed to write the status file: No such file or directory", StringComparison.Ordinal));

        _h.Service.StatusFails = null;
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([new Worker(1, 100)], _h.Service.Written[^1].Workers.ToArray());
        Assert.Contains("READY=1", _h.Service.Messages);
        Assert.Equal([null], _h.Service.Launcher);
        Assert.Contains("the status file is written again", _h.Log.Lines);
    }

    [Fact]
    public void ASignalThatCannotBeSentIsSaidAndSparesNoOtherWorker()
    {
        Serving();
        Restarted();
        _h.Os.Unsignallable.Add(100);
        _h.Os.Signals.Clear();
        _h.Signal(SignalNames.Term);
        Assert.Contains(_h.Log.Lines, l => l.StartsWith("failed to send SIGTERM to worker 100:", StringComparison.Ordinal));
        Assert.Contains((200, SignalNames.Term, false), _h.Os.Signals);
    }

    [Fact]
    public void AnOldWorkerThatIgnoresItsSignalIsKilledAtTheDeadlineAndStopEndsTheLoop()
    {
        Serving();
        Restarted();
        Assert.Contains((100, SignalNames.Term, false), _h.Os.Signals);

        _h.Advance(TimeSpan.FromSeconds(9.9));
        Assert.DoesNotContain(_h.Os.Signals, s => s.Signal == SignalNames.Kill);
        _h.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Contains((100, SignalNames.Kill, true), _h.Os.Signals);

        _h.Os.Exit(100, status: SignalNames.Kill);
        _h.Signal(SignalNames.Term);
        Assert.Null(_h.Supervisor.ExitCode);
        _h.Os.Exit(200);
        _h.Run();
        Assert.Equal(0, _h.Supervisor.ExitCode);
        Assert.Empty(_h.Service.Written[^1].Workers);
    }

    [Fact]
    public void TheStatusFileAndReadyFollowTheMachine()
    {
        Serving();
        Assert.Equal([new Worker(1, 100)], _h.Service.Written[^1].Workers.ToArray());
        Assert.Equal(["READY=1"], _h.Service.Messages.Where(m => m == "READY=1"));
        Assert.Contains(_h.Service.Messages, m => m.StartsWith("STATUS=generation 1 (pid 100) serving", StringComparison.Ordinal));
    }

    [Fact]
    public void AReloadIsToldWithTheTimeOfTheSupervisorsClock()
    {
        Serving();
        _h.Clock.Advance(TimeSpan.FromSeconds(3));
        long microseconds = (long)((Int128)_h.Clock.GetTimestamp() * 1_000_000 / _h.Clock.TimestampFrequency);
        _h.Signal(SignalNames.Hup);
        Assert.Contains($"RELOADING=1\nMONOTONIC_USEC={microseconds}", _h.Service.Messages);
    }

    [Fact]
    public void AServiceManagerThatStopsListeningIsSaidOnceAndSurvived()
    {
        Serving();
        _h.Service.NotifyFails = Libc.ENOENT;
        Restarted();
        Restarted();
        Assert.Single(_h.Log.Lines, l => l.StartsWith("failed to notify the service manager", StringComparison.Ordinal));
        Assert.Equal([new Worker(3, 300)], _h.Supervisor.State.Roster.CurrentWorkers.ToArray());
    }

    [Fact]
    public void Usr1ReopensTheLogFileOnTheLoopThreadThroughTheSeam()
    {
        Serving();
        _h.Supervisor.Signals.Raise(SignalNames.Usr1);
        _h.Supervisor.Signals.Raise(SignalNames.Usr1);
        Assert.Equal(0, _h.Service.LogReopens);
        _h.Run();
        Assert.Equal(2, _h.Service.LogReopens);
    }

    [Fact]
    public void TheEnvdirIsReadBeforeEachSpawnAndWhatItChangesAppliesToTheNextGeneration()
    {
        Serving();
        var delayed = Settings with { KillOldDelay = TimeSpan.FromSeconds(5) };
        var variables = new Dictionary<string, string> { ["KILL_OLD_DELAY"] = "5" };
        _h.Service.EnvDir = new(variables, delayed);
        Restarted();
        Assert.Same(variables, _h.Os.EnvDirs[^1]);
        Assert.Equal(delayed, _h.Supervisor.State.Settings);
        Assert.DoesNotContain((100, SignalNames.Term, false), _h.Os.Signals);
        _h.Advance(TimeSpan.FromSeconds(5));
        Assert.Contains((100, SignalNames.Term, false), _h.Os.Signals);
    }

    [Fact]
    public void AReapedOldWorkersDrainDeadlineIsDisarmed()
    {
        Serving();
        Restarted();
        Assert.Contains(_h.Timers.Armed, t => t.Event is DrainDeadlineDue { Pids: [100] });
        _h.Os.Exit(100);
        _h.Run();
        Assert.DoesNotContain(_h.Timers.Armed, t => t.Event is DrainDeadlineDue);
    }

    [Fact]
    public void ALeftoverGroupIsWaitedForAndProbedWhenAnOrphanIsReaped()
    {
        Serving();
        _h.Signal(SignalNames.Term);
        _h.Os.Exit(100, groupRemains: true);
        _h.Run();
        Assert.Null(_h.Supervisor.ExitCode);
        Assert.Contains((100, SignalNames.Term, true), _h.Os.Signals);

        // The last of the group, an orphan reparented to us, is reaped: the probe finds the group empty.
        _h.Os.LiveGroups.Remove(100);
        _h.Os.Exit(4242);
        _h.Run();
        Assert.Equal(0, _h.Supervisor.ExitCode);
    }

    [Fact]
    public void NothingRunsAfterTheMachineExits()
    {
        Serving();
        _h.Supervisor.Signals.Raise(SignalNames.Term);
        _h.Os.Exit(100);
        _h.Run();
        Assert.Equal(0, _h.Supervisor.ExitCode);
        _h.Signal(SignalNames.Hup);
        Assert.Equal([1], _h.Os.Spawned);
        Assert.Null(_h.Supervisor.SleepFor);
    }
}
