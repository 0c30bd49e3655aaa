using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Supervision;
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

        /// <summary>What the envdir said for each start.</summary>
        public List<IReadOnlyDictionary<string, string>?> EnvDirs { get; } = [];

        public int Start(int generation, IReadOnlyDictionary<string, string>? envDir)
        {
            Started.Add(generation);
            EnvDirs.Add(envDir);
            return Throws is { } e ? throw e : Pid;
        }

        public CheckFinished? Finished(int pid, WaitStatus status, bool groupRemains) =>
            pid == Pid ? new CheckFinished(pid, status, "bad config", groupRemains) : null;
    }

    private readonly FakeCheckRunner _checks = new();
    private readonly SupervisorHarness _h;

    public CheckSupervisionTests()
    {
        _h = new SupervisorHarness(Settings, _checks).Start().Exec().Advance(Settings.Interval).Signal(SignalNames.Hup);
    }

    private FakeWorkerOs Os => _h.Os;

    private IReadOnlyList<string> Lines => _h.Log.Lines;

    [Fact]
    public void TheCheckIsStartedAndItsReapedExitIsItsResultNotAWorkersDeath()
    {
        Assert.Equal([2], _checks.Started);
        Assert.Equal([null], _checks.EnvDirs);
        Assert.Equal(2, _h.Service.EnvDirReads);
        Assert.Equal([1], Os.Spawned);
        Os.Exit(FakeCheckRunner.Pid, status: 1 << 8);
        _h.Run();

        Assert.Equal([1], Os.Spawned);
        Assert.Contains(Lines, l => l.StartsWith("generation 2 not spawned: restart refused: the check command failed with status:256 (exit code 1): bad config", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines, l => l.Contains("died", StringComparison.Ordinal));
        Assert.Equal([new Worker(1, 100)], _h.Supervisor.State.Roster.CurrentWorkers.ToArray());
    }

    [Fact]
    public void ACheckThatPassesLetsTheRestartSpawn()
    {
        Os.Exit(FakeCheckRunner.Pid, status: 0);
        _h.Run();
        Assert.Equal([1, 2], Os.Spawned);
    }

    [Fact]
    public void ACheckThatCannotStartRefusesTheRestart()
    {
        _checks.Throws = new InvalidOperationException("no /bin/sh");
        _h.Signal(SignalNames.Hup);
        // The first run still goes: this HUP queued a second, which starts once the first is over.
        Os.Exit(FakeCheckRunner.Pid, status: 0);
        _h.Run();
        Assert.Equal([2, 2], _checks.Started);
        Assert.Contains(Lines, l => l == "generation 2 not spawned: restart refused: the check command could not be run: no /bin/sh; generation 1 keeps serving");
        Assert.Equal([1], Os.Spawned);
    }
}
