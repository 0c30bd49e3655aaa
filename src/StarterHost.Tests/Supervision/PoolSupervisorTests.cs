using Microsoft.Extensions.Logging.Abstractions;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Supervision;
using StarterHost.Systemd;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Supervision;

/// <summary>A pool through the supervisor loop and the fake OS seam: slots, respawns, memory reads, the lines logged.</summary>
public sealed class PoolSupervisorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RecordingLogger _log = new();
    private FakeWorkerOs _os = null!;
    private Supervisor _supervisor = null!;

    public void Dispose()
    {
        _supervisor.CancelTimers();
        _dir.Dispose();
    }

    private string StatusFile => Path.Combine(_dir.Path, "status");

    private void Start(RuntimeSettings settings)
    {
        _os = new FakeWorkerOs(settings);
        var notifier = new ServiceNotifier(new RecordingNotifier(), "test", NullLogger<ServiceNotifier>.Instance);
        _supervisor = new Supervisor(_os, new StatusFileWriter(StatusFile, 1), notifier, _log, settings, () => { });
        _os.OnChildExit = _supervisor.ChildrenExited;
        _supervisor.Post(new Started());
        _supervisor.RunPending();
        Advance(settings.Interval);
    }

    private void Advance(TimeSpan by)
    {
        _os.Clock.Advance(by);
        _supervisor.RunPending();
    }

    [Fact]
    public void APoolIsSpawnedSlotBySlotAndADeadMemberIsRespawnedInItsSlotAlone()
    {
        var settings = Generations.MachineDriver.Defaults with { Workers = 3, BackoffMax = TimeSpan.FromSeconds(30) };
        Start(settings);
        Assert.Equal([(1, 0, 100), (1, 1, 200), (1, 2, 300)], _os.Spawns);
        Assert.Equal("1:100\n1:200\n1:300\n", File.ReadAllText(StatusFile));
        Assert.Contains("starting new worker 200 (generation 1, slot 1)", _log.Lines);
        Assert.Contains("generation 1 is serving: 3 workers, pids 100,200,300", _log.Lines);

        _os.Exit(200, status: SignalNames.Kill);
        _supervisor.RunPending();
        Assert.Equal((1, 1, 400), _os.Spawns[^1]);
        Assert.Contains("worker 200 (generation 1, slot 1) died unexpectedly with status:9 (killed by SIGKILL), restarting its slot", _log.Lines);
        Assert.Equal("1:100\n1:300\n", File.ReadAllText(StatusFile));
        Advance(settings.Interval);
        Assert.Equal("1:100\n1:300\n1:400\n", File.ReadAllText(StatusFile));
        Assert.Contains("worker 400 (generation 1, slot 1) has started and serves its slot", _log.Lines);
        Assert.Empty(_os.Signals);
    }

    [Fact]
    public void ResidentMemoryIsReadThroughTheSeamAndAWorkerOverTheLimitIsReplacedFirst()
    {
        var settings = Generations.MachineDriver.Defaults with { Workers = 2, MaxWorkerRss = 100, BackoffMax = TimeSpan.FromSeconds(30) };
        Start(settings);
        _os.Memory[100] = 50L << 20;
        _os.Memory[200] = 150L << 20;
        // Started at 0, served from 1 s on: the first read is due 5 s after the start.
        Advance(TimeSpan.FromSeconds(3.9));
        Assert.Empty(_os.MemoryReads);
        Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal([100, 200], _os.MemoryReads);
        Assert.Contains("worker 200 (generation 1, slot 1) uses 150 MB of resident memory, over --max-worker-rss=100; starting its replacement", _log.Lines);
        Assert.Equal((1, 1, 300), _os.Spawns[^1]);
        Assert.Empty(_os.Signals);
        Advance(settings.Interval);
        Assert.Equal([(200, SignalNames.Term, false)], _os.Signals);
    }
}
