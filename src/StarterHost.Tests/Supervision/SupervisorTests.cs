using Microsoft.Extensions.Logging.Abstractions;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Supervision;
using StarterHost.Systemd;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// The supervisor loop through the fake OS seam: batching, faults becoming events, timers, stop. No
/// process runs here; the integration tests prove the same paths with real ones.
/// </summary>
public sealed class SupervisorTests : IDisposable
{
    private static readonly RuntimeSettings Settings = Generations.MachineDriver.Defaults with
    {
        DrainTimeout = TimeSpan.FromSeconds(10),
        BackoffMax = TimeSpan.FromSeconds(30),
    };

    private readonly TempDirectory _dir = new();
    private readonly FakeWorkerOs _os;
    private readonly RecordingLogger _log = new();
    private readonly RecordingNotifier _manager = new();
    private readonly Supervisor _supervisor;
    private int _wakes;

    public SupervisorTests() : this(Settings, statusDirectory: null)
    {
    }

    private SupervisorTests(RuntimeSettings settings, string? statusDirectory)
    {
        _os = new FakeWorkerOs(settings);
        var status = new StatusFileWriter(Path.Combine(statusDirectory ?? _dir.Path, "status"), 1);
        var notifier = new ServiceNotifier(_manager, "test", NullLogger<ServiceNotifier>.Instance);
        _supervisor = new Supervisor(_os, status, notifier, _log, settings, () => Interlocked.Increment(ref _wakes));
        _os.OnChildExit = _supervisor.ChildrenExited;
    }

    public void Dispose()
    {
        _supervisor.CancelTimers();
        _dir.Dispose();
    }

    private string StatusFile => Path.Combine(_dir.Path, "status");

    /// <summary>Started, with generation 1 (pid 100) accepted after the interval.</summary>
    private void Serving()
    {
        _supervisor.Post(new Started());
        _supervisor.RunPending();
        Advance(Settings.Interval);
        Assert.Equal([new Worker(1, 100)], _supervisor.State.Roster.CurrentWorkers.ToArray());
    }

    private void Advance(TimeSpan by)
    {
        _os.Clock.Advance(by);
        _supervisor.RunPending();
    }

    [Fact]
    public void PostingWakesTheLoopAndNothingRunsUntilItDoes()
    {
        _supervisor.Post(new Started());
        Assert.Equal(1, _wakes);
        Assert.Empty(_os.Spawned);
        _supervisor.RunPending();
        Assert.Equal([1], _os.Spawned);
    }

    [Fact]
    public void AWorkersDeathAndATermInOneBatchStopInsteadOfRespawning()
    {
        Serving();
        // A terminal's Ctrl-C or `timeout` reaching both: the exit is reaped in the same batch as the INT.
        _os.Exit(100, status: 2);
        _supervisor.Post(new TerminateReceived(SignalNames.Int));
        _supervisor.RunPending();
        Assert.Equal([1], _os.Spawned);
        Assert.Equal(0, _supervisor.ExitCode);
    }

    [Fact]
    public void ASpawnThatThrowsBecomesAFailedStartRetriedAfterTheBackoff()
    {
        _os.SpawnThrows = new InvalidOperationException("something no rule expected");
        _supervisor.Post(new Started());
        _supervisor.RunPending();
        Assert.Contains(_log.Lines, l => l == "failed to start a worker for generation 1: something no rule expected");
        Assert.Equal([1], _os.Spawned);
        _os.SpawnThrows = null;
        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([1, 2], _os.Spawned);
        Advance(Settings.Interval);
        Assert.Equal([new Worker(2, 100)], _supervisor.State.Roster.CurrentWorkers.ToArray());
    }

    [Fact]
    public void AStatusWriteThatFailsHoldsReadyUntilARetrySucceeds()
    {
        using var missing = new TempDirectory();
        using var test = new SupervisorTests(Settings, Path.Combine(missing.Path, "not-yet"));
        test._supervisor.Post(new Started());
        test._supervisor.RunPending();
        test.Advance(Settings.Interval);
        Assert.DoesNotContain("READY=1", test._manager.Messages);
        Assert.Single(test._log.Lines, l => l.StartsWith("failed to write the status file:", StringComparison.Ordinal));

        Directory.CreateDirectory(Path.Combine(missing.Path, "not-yet"));
        test.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("1:100\n", File.ReadAllText(Path.Combine(missing.Path, "not-yet", "status")));
        Assert.Contains("READY=1", test._manager.Messages);
        Assert.Contains("the status file is written again", test._log.Lines);
    }

    [Fact]
    public void ASignalThatCannotBeSentIsSaidAndSparesNoOtherWorker()
    {
        Serving();
        _supervisor.Post(new HangupReceived());
        _supervisor.RunPending();
        Advance(Settings.Interval);
        _os.Unsignallable.Add(100);
        _os.Signals.Clear();
        _supervisor.Post(new TerminateReceived(SignalNames.Term));
        _supervisor.RunPending();
        Assert.Contains(_log.Lines, l => l.StartsWith("failed to send SIGTERM to worker 100:", StringComparison.Ordinal));
        Assert.Contains((200, SignalNames.Term, false), _os.Signals);
    }

    [Fact]
    public void AnOldWorkerThatIgnoresItsSignalIsKilledAtTheDeadlineAndStopEndsTheLoop()
    {
        Serving();
        _supervisor.Post(new HangupReceived());
        _supervisor.RunPending();
        Advance(Settings.Interval);
        Assert.Contains((100, SignalNames.Term, false), _os.Signals);

        Advance(TimeSpan.FromSeconds(9.9));
        Assert.DoesNotContain(_os.Signals, s => s.Signal == SignalNames.Kill);
        Advance(TimeSpan.FromSeconds(0.1));
        Assert.Contains((100, SignalNames.Kill, true), _os.Signals);

        _os.Exit(100, status: SignalNames.Kill);
        _supervisor.Post(new TerminateReceived(SignalNames.Term));
        _supervisor.RunPending();
        Assert.Null(_supervisor.ExitCode);
        _os.Exit(200);
        _supervisor.RunPending();
        Assert.Equal(0, _supervisor.ExitCode);
        Assert.False(File.Exists(StatusFile) && File.ReadAllText(StatusFile).Length > 0);
    }

    [Fact]
    public void TheStatusFileAndReadyFollowTheMachine()
    {
        Serving();
        Assert.Equal("1:100\n", File.ReadAllText(StatusFile));
        Assert.Equal(["READY=1"], _manager.Messages.Where(m => m == "READY=1"));
        Assert.Contains(_manager.Messages, m => m.StartsWith("STATUS=generation 1 (pid 100) serving", StringComparison.Ordinal));
    }

    [Fact]
    public void ALeftoverGroupIsWaitedForAndProbedWhenAnOrphanIsReaped()
    {
        Serving();
        _supervisor.Post(new TerminateReceived(SignalNames.Term));
        _supervisor.RunPending();
        _os.Exit(100, groupRemains: true);
        _supervisor.RunPending();
        Assert.Null(_supervisor.ExitCode);
        Assert.Contains((100, SignalNames.Term, true), _os.Signals);

        // The last of the group, an orphan reparented to us, is reaped: the probe finds the group empty.
        _os.LiveGroups.Remove(100);
        _os.Exit(4242);
        _supervisor.RunPending();
        Assert.Equal(0, _supervisor.ExitCode);
    }

    [Fact]
    public void NothingRunsAfterTheMachineExits()
    {
        Serving();
        _supervisor.Post(new TerminateReceived(SignalNames.Term));
        _os.Exit(100);
        _supervisor.RunPending();
        Assert.Equal(0, _supervisor.ExitCode);
        _supervisor.Post(new HangupReceived());
        _supervisor.RunPending();
        Assert.Equal([1], _os.Spawned);
    }
}
