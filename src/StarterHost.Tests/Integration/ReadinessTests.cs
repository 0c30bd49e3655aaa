using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>--readiness=notify with real workers speaking sd_notify(3): a generation has started when it says so.</summary>
public sealed class ReadinessTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public ReadinessTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private string PidFile => _dir.File("pid");
    private string StatusFile => _dir.File("status");

    private StarterProcess Start(params string[] options) =>
        StarterProcess.Start(["--port=127.0.0.1:0", "--readiness=notify", $"--pid-file={PidFile}", $"--status-file={StatusFile}", .. options, .. _worker.Command],
            _worker.Environment);

    [Fact]
    public void TheOldGenerationIsSignalledAfterTheNewWorkerSaysReadyNotAfterTheInterval()
    {
        using var starter = Start("--interval=0");
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        starter.WaitForLine($"generation 1 \\(pid {first}\\) is serving");

        // Warming up takes 1.5 s; with --interval=0 alone the old worker would be told to go at once.
        _worker.ReadyAfter(TimeSpan.FromMilliseconds(1500));
        starter.Signal(SignalNames.Hup);
        int second = starter.WorkerPid(2);
        _worker.Events.WaitFor($"signal TERM gen=1 pid={first}");
        var events = _worker.Events.Lines;
        int ready = Array.FindIndex(events, l => l.StartsWith($"notified-ready gen=2 pid={second}", StringComparison.Ordinal));
        int signalled = Array.FindIndex(events, l => l.StartsWith($"signal TERM gen=1 pid={first}", StringComparison.Ordinal));
        Assert.True(ready >= 0 && ready < signalled, "the old worker was signalled before the new one sent READY=1:\n" + string.Join('\n', events));
        Assert.Equal($"gen=2 pid={second} key=127.0.0.1:0", WorkerClient.Ask(port));
        starter.WaitForLine($"worker {second} \\(generation 2\\) status: serving gen 2");
    }

    [Fact]
    public void ANewGenerationThatIsNeverReadyIsStoppedAndTheClientFailsAtOnceWhileTheOldOneServes()
    {
        using var starter = Start("--start-timeout=1", "--drain-timeout=5");
        int first = starter.WorkerPid(1);
        Eventually.True(() => File.Exists(StatusFile) && File.ReadAllText(StatusFile) == $"1:{first}\n", "generation 1 in the status file");

        _worker.NeverReady();
        // Its timeout is far away: only StarterHost's report can end it.
        var (code, output) = StarterProcess.Run(["--restart", $"--pid-file={PidFile}", $"--status-file={StatusFile}", "--timeout=600"]);
        Assert.Equal(1, code);
        Assert.Contains("restart failed: generation 2 was not ready within 1 s (no READY=1); generation 1 keeps serving", output);
        int second = starter.WorkerPid(2);
        starter.WaitForLine($"new worker {second} \\(generation 2\\) sent no READY=1 within 1 s; stopping it");
        _worker.Events.WaitFor($"signal TERM gen=2 pid={second}");
        // Generation 1 serves on: alive, untouched, and the one the status file names. (A connection may
        // land on a retry that accepts without having said READY=1: that one proves nothing.)
        Assert.True(Directory.Exists($"/proc/{first}"), $"worker {first} of generation 1 is gone");
        Assert.Equal($"1:{first}\n", File.ReadAllText(StatusFile));
        Assert.False(_worker.Events.Has($"signal .*gen=1"), "the old generation was signalled although no new one started");
    }

    [Fact]
    public void EachWorkerGetsANotifySocketOfItsOwnThatGoesWithIt()
    {
        using var starter = Start();
        int first = starter.WorkerPid(1);
        starter.WaitForLine($"generation 1 \\(pid {first}\\) is serving");
        string socket = NotifySocketOf(first);
        Assert.True(File.Exists(socket), socket);
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine($"old worker {first} died");
        Eventually.True(() => !File.Exists(socket), $"{socket} removed with its worker");
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.False(Directory.Exists(Path.GetDirectoryName(socket)), "the notify directory outlived StarterHost");
    }

    /// <summary>NOTIFY_SOCKET as the worker got it (the test worker does not rewrite its environment).</summary>
    private static string NotifySocketOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0').Single(v => v.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal))["NOTIFY_SOCKET=".Length..];
}
