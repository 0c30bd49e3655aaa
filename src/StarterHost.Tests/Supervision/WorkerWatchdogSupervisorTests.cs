using StarterHost.Generations;
using StarterHost.Signals;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// The worker watchdog and TTIN/TTOU through the supervisor, on the fake OS and a fake clock: pings keep a worker's
/// timer from coming due, silence for a period replaces it, and the signals reach the machine as resizes.
/// </summary>
public sealed class WorkerWatchdogSupervisorTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private static readonly RuntimeSettings Settings = Generations.MachineDriver.Defaults with
    {
        Workers = 2,
        DrainTimeout = TimeSpan.FromSeconds(5),
        BackoffMax = TimeSpan.FromSeconds(30),
        WorkerWatchdog = Period,
    };

    private readonly SupervisorHarness _h = new(Settings);

    /// <summary>Generation 1 (pids 100 and 200) exec'd and accepted after the interval.</summary>
    private SupervisorHarness Serving()
    {
        _h.Start().Exec().Advance(Settings.Interval);
        Assert.Equal([100, 200], _h.Supervisor.State.Roster.CurrentWorkers.Select(w => w.Pid));
        return _h;
    }

    [Fact]
    public void AWorkerThatKeepsPingingIsLeftAloneAndOneThatFallsSilentIsReplacedThenSignalledThenKilled()
    {
        Serving();
        for (int i = 0; i < 5; i++)
        {
            _h.Advance(Period / 2);
            _h.Os.Watchdog(100);
            _h.Os.Watchdog(200);
            _h.Run();
        }
        Assert.Empty(_h.Os.Signals);
        Assert.Equal([1, 1], _h.Os.Spawned);

        // 200 falls silent: one period after its last ping it is replaced, then sent ABRT.
        _h.Advance(Period / 2);
        _h.Os.Watchdog(100);
        _h.Run().Advance(Period / 2 - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_h.Os.Signals);
        _h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([(1, 1, 300)], _h.Os.Spawns.Skip(2));
        Assert.Equal([(200, SignalNames.Abrt, false)], _h.Os.Signals);
        Assert.Contains(_h.Log.Lines, l => l.Contains("worker 200 (generation 1, slot 1) sent no WATCHDOG=1 for 10 s: hung; replacing it, then sending ABRT"));

        // Still there at the drain deadline: its group gets KILL. Worker 100, pinging, was never touched.
        _h.Os.Watchdog(100);
        _h.Run().Exec().Advance(Settings.DrainTimeout);
        Assert.Equal([(200, SignalNames.Abrt, false), (200, SignalNames.Kill, true)], _h.Os.Signals);
        Assert.Equal([100, 300], _h.Supervisor.State.Roster.CurrentWorkers.Select(w => w.Pid));
    }

    [Fact]
    public void TtinAndTtouReachTheMachineAsResizes()
    {
        Serving();
        _h.Signal(SignalNames.Ttin);
        Assert.Equal((1, 2, 300), _h.Os.Spawns[^1]);
        Assert.Contains(_h.Log.Lines, l => l.Contains("workers 2 → 3 (TTIN)"));
        _h.Exec().Advance(Settings.Interval);
        _h.Signal(SignalNames.Ttou).Signal(SignalNames.Ttou);
        Assert.Equal(1, _h.Supervisor.State.WorkerCount);
        Assert.Equal([(300, SignalNames.Term, false), (200, SignalNames.Term, false)], _h.Os.Signals);
        _h.Signal(SignalNames.Ttou);
        Assert.Contains(_h.Log.Lines, l => l.Contains("received TTOU with 1 workers per generation, the bound (1 to 4096); ignoring it"));
    }
}
