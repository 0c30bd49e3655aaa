using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>Graceful restarts with real workers, real sockets and real signals.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public RestartTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private string[] Args(params string[] options) =>
        ["--port=127.0.0.1:0", $"--path={_dir.File("s.sock")}", $"--status-file={_dir.File("status")}", $"--pid-file={_dir.File("pid")}", .. options, .. _worker.Command];

    [Fact]
    public void HangupStartsNextGenerationAndSignalsTheOldOneOnlyAfterItHasStarted()
    {
        using var starter = StarterProcess.Start(Args("--interval=2"), _worker.Environment);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        Assert.Equal($"gen=1 pid={first} key=127.0.0.1:0", WorkerClient.Ask(port));
        Assert.Equal($"gen=1 pid={first} key={_dir.File("s.sock")}", WorkerClient.Ask(_dir.File("s.sock")));
        Eventually.True(() => ReadStatus() == $"1:{first}\n", "status file naming generation 1");

        starter.Signal(SignalNames.Hup);
        int second = starter.WorkerPid(2);
        _worker.Events.WaitFor($"ready .*gen=2 pid={second}");
        // Generation 2 runs but has not survived --interval yet: generation 1 must be untouched.
        Assert.False(_worker.Events.Has("signal .*gen=1"), "old worker signalled before the new one started");
        Assert.Equal($"1:{first}\n", ReadStatus());

        _worker.Events.WaitFor($"signal TERM gen=1 pid={first}");
        Assert.Equal($"gen=2 pid={second} key=127.0.0.1:0", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 2));
        Eventually.True(() => ReadStatus() == $"2:{second}\n", "status file naming generation 2 alone");
        starter.WaitForLine($"old worker {first} died, status:0");
        // Reaped at once: no zombie while the superdaemon runs on.
        Eventually.True(() => !Directory.Exists($"/proc/{first}"), $"old worker {first} reaped");
        string log = starter.Output;
        Assert.True(log.IndexOf($"starting new worker {second}", StringComparison.Ordinal) < log.IndexOf("killing old workers", StringComparison.Ordinal));
    }

    [Fact]
    public void KillOldDelayAndSignalOnHupDecideWhenAndHowOldWorkersAreTold()
    {
        using var starter = StarterProcess.Start(Args("--interval=0.2", "--kill-old-delay=1", "--signal-on-hup=USR1"), _worker.Environment);
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor("ready .*gen=1");
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine(@"new worker is now running, sending USR1 to old workers:" + first);
        starter.WaitForLine("sleeping 1 secs before killing old workers");
        Assert.False(_worker.Events.Has("signal .*gen=1"), "old worker signalled before the kill-old-delay");
        _worker.Events.WaitFor($"signal USR1 gen=1 pid={first}");
    }

    [Fact]
    public void AWorkerThatDiesIsRestartedWithoutSignallingAnyone()
    {
        using var starter = StarterProcess.Start(Args("--interval=0.2"), _worker.Environment);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor("ready .*gen=1");
        Eventually.True(() => ReadStatus() == $"1:{first}\n", "status file naming generation 1");

        Posix_Kill(first, 9);
        starter.WaitForLine($@"worker {first} died unexpectedly with status:9 \(killed by SIGKILL\), restarting");
        int second = starter.WorkerPid(2);
        Assert.Equal($"gen=2 pid={second} key=127.0.0.1:0", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 2));
        Eventually.True(() => ReadStatus() == $"2:{second}\n", "status file naming generation 2");
        Assert.False(_worker.Events.Has("signal"), "nobody is signalled after a crash");
    }

    [Fact]
    public void ANewGenerationThatFailsLeavesTheOldOneServingAndIsRetried()
    {
        // A worker that exits at once must do so within the interval to count as failed: 2 s is a wide
        // margin for perl's start, even on a loaded machine.
        using var starter = StarterProcess.Start(Args("--interval=2"), _worker.Environment);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor("ready .*gen=1");

        _worker.Fail();
        starter.Signal(SignalNames.Hup);
        var failures = starter.WaitForLines(@"new worker (\d+) seems to have failed to start, exit status:768 \(exit code 3\)", 2);
        Assert.Equal($"gen=1 pid={first} key=127.0.0.1:0", WorkerClient.Ask(port));
        Assert.Equal($"1:{first}\n", ReadStatus());
        Assert.False(_worker.Events.Has("signal .*gen=1"), "old generation signalled although no new one started");

        _worker.Fail(false);
        starter.WaitForLine("new worker is now running");
        _worker.Events.WaitFor($"signal TERM gen=1 pid={first}");
        string status = Eventually.Get(() => ReadStatus() is { } s && !s.StartsWith("1:", StringComparison.Ordinal) ? s : null, "status without generation 1");
        int generation = int.Parse(status.Split(':')[0]);
        Assert.True(generation >= 4, $"every attempt takes a generation number; got {status}");
        Assert.StartsWith($"gen={generation} ", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), generation));
        Assert.Equal(2, failures.Select(f => f.Groups[1].Value).Distinct().Count());
    }

    [Fact]
    public void RestartsLeakNoDescriptorsInTheSuperdaemon()
    {
        using var starter = StarterProcess.Start(Args("--interval=0.1"), _worker.Environment);
        int first = starter.WorkerPid(1);
        // Snapshots only when nothing is in flight: a status-file write holds a descriptor for a moment.
        Eventually.True(() => ReadStatus() == $"1:{first}\n", "status file naming generation 1");
        var before = OpenDescriptors(starter.Pid);
        for (int generation = 2; generation <= 4; generation++)
        {
            starter.Signal(SignalNames.Hup);
            starter.WaitForLines("old worker .* died", generation - 1);
        }
        // Eventually: a status file being rewritten or a spawn in flight holds a descriptor for a moment;
        // a leak holds it for good.
        Eventually.True(() => ReadStatus() == $"4:{starter.WorkerPid(4)}\n", "status file naming generation 4 alone");
        Eventually.True(() => OpenDescriptors(starter.Pid) == before, $"the superdaemon's descriptors to be as before the restarts:\n{before}");
    }

    /// <summary>Sockets, pipes and files, by kind; the assemblies the JIT maps as it warms up are not leaks.</summary>
    private static string OpenDescriptors(int pid) => string.Join(',',
        Directory.GetFiles($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget ?? "")
            .Where(target => !target.EndsWith(".dll", StringComparison.Ordinal))
            .Select(target => System.Text.RegularExpressions.Regex.Replace(target, @"\[\d+\]", ""))
            .Order());

    private string? ReadStatus() => File.Exists(_dir.File("status")) ? File.ReadAllText(_dir.File("status")) : null;

    private static void Posix_Kill(int pid, int signal) => StarterHost.Interop.Posix.SendSignal(pid, signal);
}
