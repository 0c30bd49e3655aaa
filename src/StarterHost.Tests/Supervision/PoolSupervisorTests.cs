using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Supervision;

/// <summary>A pool through the supervisor loop and the fake OS seam: slots, respawns, memory reads, the lines logged.</summary>
public sealed class PoolSupervisorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private SupervisorHarness _h = null!;

    public void Dispose() => _dir.Dispose();

    private string StatusFile => Path.Combine(_dir.Path, "status");

    private IReadOnlyList<string> Lines => _h.Log.Lines;

    /// <summary>A pool started, each member exec'd by its helper and accepted after the interval.</summary>
    private void Start(RuntimeSettings settings)
    {
        _h = new SupervisorHarness(settings, status: new StatusFileWriter(StatusFile, 1)).Start().Exec().Advance(settings.Interval);
    }

    private void Advance(TimeSpan by) => _h.Advance(by);

    [Fact]
    public void APoolIsSpawnedSlotBySlotAndADeadMemberIsRespawnedInItsSlotAlone()
    {
        var settings = Generations.MachineDriver.Defaults with { Workers = 3, BackoffMax = TimeSpan.FromSeconds(30) };
        Start(settings);
        Assert.Equal([(1, 0, 100), (1, 1, 200), (1, 2, 300)], _h.Os.Spawns);
        Assert.Equal("1:100\n1:200\n1:300\n", File.ReadAllText(StatusFile));
        Assert.Contains("starting new worker 200 (generation 1, slot 1)", Lines);
        Assert.Contains("generation 1 is serving: 3 workers, pids 100,200,300", Lines);

        _h.Os.Exit(200, status: SignalNames.Kill);
        _h.Run();
        Assert.Equal((1, 1, 400), _h.Os.Spawns[^1]);
        Assert.Contains("worker 200 (generation 1, slot 1) died unexpectedly with status:9 (killed by SIGKILL), restarting its slot", Lines);
        Assert.Equal("1:100\n1:300\n", File.ReadAllText(StatusFile));
        _h.Exec().Advance(settings.Interval);
        Assert.Equal("1:100\n1:300\n1:400\n", File.ReadAllText(StatusFile));
        Assert.Contains("worker 400 (generation 1, slot 1) has started and serves its slot", Lines);
        Assert.Empty(_h.Os.Signals);
    }

    [Fact]
    public void ResidentMemoryIsReadThroughTheSeamAndAWorkerOverTheLimitIsReplacedFirst()
    {
        var settings = Generations.MachineDriver.Defaults with { Workers = 2, MaxWorkerRss = 100, BackoffMax = TimeSpan.FromSeconds(30) };
        Start(settings);
        _h.Os.Memory[100] = 50L << 20;
        _h.Os.Memory[200] = 150L << 20;
        // Started at 0, served from 1 s on: the first read is due 5 s after the start.
        Advance(TimeSpan.FromSeconds(3.9));
        Assert.Empty(_h.Os.MemoryReads);
        Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal([100, 200], _h.Os.MemoryReads);
        Assert.Contains("worker 200 (generation 1, slot 1) uses 150 MB of resident memory, over --max-worker-rss=100; starting its replacement", Lines);
        Assert.Equal((1, 1, 300), _h.Os.Spawns[^1]);
        Assert.Empty(_h.Os.Signals);
        _h.Exec().Advance(settings.Interval);
        Assert.Equal([(200, SignalNames.Term, false)], _h.Os.Signals);
    }
}
