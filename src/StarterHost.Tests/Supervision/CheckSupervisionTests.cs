using Microsoft.Extensions.Logging.Abstractions;
using StarterHost.Generations;
using StarterHost.Supervision;
using StarterHost.Systemd;
using StarterHost.Workers;

namespace StarterHost.Tests.Supervision;

/// <summary>The supervisor's side of --check-command, through fakes: starting the check, and telling its exit from a worker's.</summary>
public sealed class CheckSupervisionTests
{
    private static readonly RuntimeSettings Settings = Generations.MachineDriver.Defaults with
    {
        CheckBeforeRestart = true,
        CheckTimeout = TimeSpan.FromSeconds(10),
    };

    private sealed class FakeCheckRunner : ICheckRunner
    {
        public const int Pid = 4242;
        public List<int> Started { get; } = [];
        public Exception? Throws { get; set; }

        public int Start(int generation)
        {
            Started.Add(generation);
            return Throws is { } e ? throw e : Pid;
        }

        public CheckFinished? Finished(int pid, WaitStatus status, bool groupRemains) =>
            pid == Pid ? new CheckFinished(pid, status, "bad config", groupRemains) : null;
    }

    private readonly FakeWorkerOs _os = new(Settings);
    private readonly FakeCheckRunner _checks = new();
    private readonly RecordingLogger _log = new();
    private readonly Supervisor _supervisor;

    public CheckSupervisionTests()
    {
        var notifier = new ServiceNotifier(new RecordingNotifier(), "test", NullLogger<ServiceNotifier>.Instance);
        _supervisor = new Supervisor(_os, null, notifier, _log, Settings, () => { }, _checks);
        _os.OnChildExit = _supervisor.ChildrenExited;
        _supervisor.Post(new Started());
        _supervisor.RunPending();
        _os.Clock.Advance(Settings.Interval);
        _supervisor.RunPending();
        _supervisor.Post(new HangupReceived());
        _supervisor.RunPending();
    }

    [Fact]
    public void TheCheckIsStartedAndItsReapedExitIsItsResultNotAWorkersDeath()
    {
        Assert.Equal([2], _checks.Started);
        Assert.Equal([1], _os.Spawned);
        _os.Exit(FakeCheckRunner.Pid, status: 1 << 8);
        _supervisor.RunPending();

        Assert.Equal([1], _os.Spawned);
        Assert.Contains(_log.Lines, l => l.StartsWith("generation 2 not spawned: restart refused: the check command failed with status:256 (exit code 1): bad config", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Lines, l => l.Contains("died", StringComparison.Ordinal));
        Assert.Equal([new Worker(1, 100)], _supervisor.State.Roster.CurrentWorkers.ToArray());
    }

    [Fact]
    public void ACheckThatPassesLetsTheRestartSpawn()
    {
        _os.Exit(FakeCheckRunner.Pid, status: 0);
        _supervisor.RunPending();
        Assert.Equal([1, 2], _os.Spawned);
    }

    [Fact]
    public void ACheckThatCannotStartRefusesTheRestart()
    {
        _checks.Throws = new InvalidOperationException("no /bin/sh");
        _supervisor.Post(new HangupReceived());
        _supervisor.RunPending();
        // The first run still goes: this HUP queued a second, which starts once the first is over.
        _os.Exit(FakeCheckRunner.Pid, status: 0);
        _supervisor.RunPending();
        Assert.Equal([2, 2], _checks.Started);
        Assert.Contains(_log.Lines, l => l == "generation 2 not spawned: restart refused: the check command could not be run: no /bin/sh; generation 1 keeps serving");
        Assert.Equal([1], _os.Spawned);
    }
}
