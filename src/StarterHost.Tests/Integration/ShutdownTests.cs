using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>Stopping: every worker told and waited for, nothing left behind.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public ShutdownTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TermStopsEveryGenerationAndLeavesNoProcessOrFileBehind()
    {
        string socket = _dir.File("s.sock"), status = _dir.File("status"), pid = _dir.File("pid");
        using var starter = StarterProcess.Start(
            ["--port=127.0.0.1:0", $"--path={socket}", $"--status-file={status}", $"--pid-file={pid}", "--interval=0.2", "--signal-on-term=USR1", .. _worker.Command],
            _worker.Environment);
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor("ready .*gen=1");
        // An old generation that drains slowly must be waited for too.
        _worker.Slow();
        starter.Signal(SignalNames.Hup);
        int second = starter.WorkerPid(2);
        _worker.Events.WaitFor($"signal TERM gen=1 pid={first}");

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        starter.WaitForLine($"received TERM, sending USR1 to all workers:");
        _worker.Events.WaitFor($"signal USR1 gen=2 pid={second}");
        Assert.True(_worker.Events.Has($"exit gen=1 pid={first}"), "old generation was not waited for");
        Assert.True(_worker.Events.Has($"exit gen=2 pid={second}"), "current generation was not waited for");
        Assert.EndsWith("exiting", starter.Output.TrimEnd());
        foreach (int worker in new[] { first, second })
            Assert.False(Directory.Exists($"/proc/{worker}"), $"worker {worker} outlived StarterHost");
        Assert.False(File.Exists(socket), "unix socket left behind");
        Assert.False(File.Exists(status), "status file left behind");
        Assert.False(File.Exists(pid), "pid file left behind");
        Assert.Empty(Directory.GetFiles(_dir.Path, "status.*"));
    }

    [Fact]
    public void IntSendsTermToTheWorkersWhateverSignalOnTermSays()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--signal-on-term=USR1", "--interval=0.2", .. _worker.Command], _worker.Environment);
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor("ready .*gen=1");
        starter.Signal(SignalNames.Int);
        Assert.Equal(0, starter.WaitForExit());
        Assert.True(_worker.Events.Has($"signal TERM gen=1 pid={first}"), "INT must forward TERM");
        starter.WaitForLine($"received INT, sending TERM to all workers:{first}");
    }

    [Fact]
    public void TermWhileANewGenerationIsStartingStopsBoth()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--interval=30", .. _worker.Command], _worker.Environment);
        int first = starter.WorkerPid(1);
        // Generation 1 is still within its 30 s interval: it has not started yet, and still must be stopped.
        _worker.Events.WaitFor("ready .*gen=1");
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.True(_worker.Events.Has($"exit gen=1 pid={first}"));
    }
}
