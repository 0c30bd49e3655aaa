using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>--drain-timeout with real workers that ignore TERM: they are killed, group and all, and nothing waits for ever.</summary>
public sealed class DrainDeadlineTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public DrainDeadlineTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private StarterProcess Start() =>
        StarterProcess.Start(["--port=127.0.0.1:0", "--interval=0.2", "--drain-timeout=1", .. _worker.Command], _worker.Environment);

    [Fact]
    public void AnOldWorkerThatIgnoresTermIsKilledAtTheDeadlineAfterARestart()
    {
        _worker.Stubborn();
        using var starter = Start();
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        starter.WaitForLine($"generation 1 \\(pid {first}\\) is serving");

        starter.Signal(SignalNames.Hup);
        _worker.Events.WaitFor($"signal TERM ignored gen=1 pid={first}");
        starter.WaitForLine($"worker {first} \\(generation 1\\) is still alive 1 s after its signal; sending KILL to its process group");
        starter.WaitForLine($"old worker {first} died, status:9 \\(killed by SIGKILL\\)");
        Assert.StartsWith("gen=2 ", WorkerClient.Ask(port));
        Assert.False(_worker.Events.Has($"exit gen=1"), "the stubborn worker exited by itself");
    }

    [Fact]
    public void AStopIsBoundedByTheDeadlineWhenWorkersIgnoreTerm()
    {
        _worker.Stubborn();
        using var starter = Start();
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*pid={first}");
        starter.Signal(SignalNames.Term);
        _worker.Events.WaitFor($"signal TERM ignored gen=1 pid={first}");
        Assert.Equal(0, starter.WaitForExit());
        Assert.Contains($"worker {first} (generation 1) is still alive 1 s after its signal; sending KILL to its process group", starter.Output);
        Assert.Contains($"worker {first} died, status:9 (killed by SIGKILL)", starter.Output);
    }
}
