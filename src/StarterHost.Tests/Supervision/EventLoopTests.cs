using Microsoft.Extensions.Time.Testing;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Supervision;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// The real event loop, poll(2) and its eventfd, driving the supervisor on the fake seams: it wakes once for each
/// thing that happens outside it (a signal, a worker's report, time), never for what it does itself.
/// </summary>
public sealed class EventLoopTests : IDisposable
{
    private static readonly RuntimeSettings Settings = Generations.MachineDriver.Defaults with
    {
        Interval = TimeSpan.Zero,
        DrainTimeout = TimeSpan.FromSeconds(60),
    };

    private readonly EventLoop _loop = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeWorkerOs _os = new();
    private readonly LoopTimers _timers;
    private readonly Supervisor _supervisor;
    // The exec helpers' report pipe, as the real OsWorkers watches one: readable once a helper has exec'd.
    private readonly int _execReports = Posix.CreateEventFd();

    public EventLoopTests()
    {
        _timers = new LoopTimers(_clock);
        _supervisor = new Supervisor(_os, new FakeServiceOs(Settings), _timers, new RecordingLogger(), Settings, _loop.Wake);
        _os.Deliver = _supervisor.Deliver;
        _os.OnChildExit = () => _supervisor.Signals.Raise(SignalNames.Chld);
        _loop.Watch(_execReports, () =>
        {
            Posix.DrainEventFd(_execReports);
            _os.ExecAll();
        });
    }

    public void Dispose()
    {
        _loop.Dispose();
        Posix.Close(_execReports);
    }

    /// <summary>One turn of the loop: a sleep in poll, bounded so that a wake that never comes fails the test instead of hanging it.</summary>
    private void Turn()
    {
        int sleep = _supervisor.SleepFor ?? throw new InvalidOperationException("the supervisor has exited");
        _loop.Sleep(sleep is < 0 or > 10_000 ? 10_000 : sleep);
        _supervisor.RunPending();
    }

    private void HelpersExec() => Posix.SignalEventFd(_execReports);

    [Fact]
    public void ARestartAtIntervalZeroWakesTheLoopOncePerOutsideHappeningAndNoMoreOftenThanItHasEvents()
    {
        _supervisor.Deliver(new Started());
        _supervisor.RunPending();
        HelpersExec();
        Turn();
        _clock.Advance(TimeSpan.FromSeconds(1));
        Turn();
        Assert.Equal([new Worker(1, 100)], _supervisor.State.Roster.CurrentWorkers.ToArray());
        long wakes = _loop.Wakes, bumps = _loop.Bumps, events = _supervisor.Applied;

        _supervisor.Signals.Raise(SignalNames.Hup);   // a signal handler's thread
        Turn();
        HelpersExec();                                 // generation 2's helper exec'd its worker
        Turn();
        Assert.Equal([new Worker(2, 200)], _supervisor.State.Roster.CurrentWorkers.ToArray());
        Assert.Contains((100, SignalNames.Term, false), _os.Signals);
        _os.Exit(100);                                 // SIGCHLD
        Turn();
        _clock.Advance(TimeSpan.FromSeconds(1));       // generation 2 has served a second
        Turn();

        // Four happenings, four wakes; only the two signals bumped the eventfd; and each wake brought events.
        long restartWakes = _loop.Wakes - wakes, restartEvents = _supervisor.Applied - events;
        Assert.Equal(4, restartWakes);
        Assert.Equal(2, _loop.Bumps - bumps);
        Assert.True(restartWakes <= restartEvents, $"{restartWakes} wake-ups for {restartEvents} events");
        // Nothing left armed for the worker that went: its 60 s drain deadline was disarmed when it was reaped.
        Assert.DoesNotContain(_timers.Armed, t => t.Event is DrainDeadlineDue);
        Assert.Equal(-1, _supervisor.SleepFor);
    }

    [Fact]
    public void AThousandRestartsLeaveNoTimerOfAWorkerThatIsGone()
    {
        var h = new SupervisorHarness(Settings).Start().Exec().Advance(TimeSpan.FromSeconds(1));
        for (int restart = 0; restart < 1000; restart++)
        {
            int old = h.Supervisor.State.Roster.CurrentWorkers[0].Pid;
            h.Signal(SignalNames.Hup).Exec();
            h.Os.Exit(old);
            h.Run();
            // 50 restarts a second.
            h.Advance(TimeSpan.FromMilliseconds(20));
        }
        var live = h.Supervisor.State.Roster.LivePids.ToHashSet();
        Assert.Single(live);
        var armed = h.Timers.Armed.Select(t => t.Event).ToList();
        Assert.All(armed.OfType<IAboutWorkers>(), t => Assert.Subset(live, t.Subjects.ToHashSet()));
        // What is left is no worker's: the generations of the last second, each waiting to be called stable.
        Assert.All(armed, t => Assert.IsType<GenerationStable>(t));
        Assert.InRange(armed.Count, 1, 51);
    }
}
