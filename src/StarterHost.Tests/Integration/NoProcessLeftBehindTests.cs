using System.Runtime.InteropServices;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>Workers die with StarterHost, lead their own process groups, and leave nothing behind at a stop.</summary>
public sealed class NoProcessLeftBehindTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public NoProcessLeftBehindTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WorkersGetTheirDeathSignalWhenStarterHostIsKilled()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--signal-on-term=USR1", .. _worker.Command], _worker.Environment);
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*pid={first}");
        starter.Signal(SignalNames.Kill);
        starter.WaitForExit();
        // --signal-on-term, as if StarterHost had stopped them itself.
        _worker.Events.WaitFor($"signal USR1 gen=1 pid={first}");
        _worker.Events.WaitFor($"exit gen=1 pid={first}");
    }

    [Fact]
    public void WithNoDeathSignalWorkersOutliveAKilledStarterHostAsUnderStartServer()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--no-death-signal", .. _worker.Command], _worker.Environment);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*pid={first}");
        starter.Signal(SignalNames.Kill);
        // The orphaned worker still holds StarterHost's output: do not wait for its end.
        starter.WaitForExit(drainOutput: false);
        try
        {
            // A death signal is sent as the parent exits, before it is reaped: by now it would have
            // arrived, and a signalled worker stops accepting. This one still serves.
            Assert.Equal($"gen=1 pid={first} key=127.0.0.1:0", WorkerClient.Ask(port));
            Assert.False(_worker.Events.Has($"signal .*pid={first}"), "the worker was signalled");
        }
        finally
        {
            // Ours, orphaned on purpose; still alive (no exit event), so the pid is still its own.
            if (!_worker.Events.Has($"exit gen=1 pid={first}"))
                Posix.SendSignal(first, SignalNames.Kill);
        }
    }

    [Fact]
    public void AnIgnoredSigchldInheritedFromTheParentHidesNoExit()
    {
        // With SIGCHLD ignored the kernel (or the runtime) would reap the workers and their statuses would be lost.
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--interval=0.2", .. _worker.Command], _worker.Environment,
            launcher: ["perl", "-e", "$SIG{CHLD} = 'IGNORE'; exec @ARGV or die $!"]);
        int first = starter.WorkerPid(1);
        starter.WaitForLine($"generation 1 \\(pid {first}\\) is serving");
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine($"old worker {first} died, status:0 \\(exit code 0\\)");
    }

    [Fact]
    public void HangupIsHeardEvenWhenStartedUnderNohup()
    {
        // nohup leaves HUP ignored through exec (and TERM may come ignored as well).
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--interval=0.2", .. _worker.Command], _worker.Environment,
            launcher: ["perl", "-e", "$SIG{HUP} = $SIG{TERM} = 'IGNORE'; exec @ARGV or die $!"]);
        int first = starter.WorkerPid(1);
        starter.WaitForLine($"generation 1 \\(pid {first}\\) is serving");
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine("received HUP, spawning a new worker");
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }

    [Fact]
    public void EachWorkerLeadsItsOwnProcessGroup()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", .. _worker.Command], _worker.Environment);
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*pid={first}");
        Assert.Equal(first, ProcessGroupOf(first));
        Assert.NotEqual(ProcessGroupOf(starter.Pid), first);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AShellWrappedWorkerLeavesNothingBehindAtAStop(bool signalGroup)
    {
        // The shell dies of TERM at once; its background job is the server.
        string[] shell = ["--", "/bin/sh", "-c", $"perl {TestWorker.Script} & wait"];
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--drain-timeout=30", .. signalGroup ? ["--signal-group"] : Array.Empty<string>(), .. shell],
            _worker.Environment);
        int port = starter.BoundPort("127.0.0.1:0");
        int shellPid = starter.WorkerPid(1);
        var server = _worker.Events.WaitFor(@"ready .*gen=1 pid=(\d+)");
        int serverPid = int.Parse(server.Groups[1].Value);
        Assert.StartsWith("gen=1 ", WorkerClient.Ask(port));

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        // The server had TERM (from the group signal, or as a leftover once its shell was gone) and exited before StarterHost did.
        Assert.True(_worker.Events.Has($"signal TERM gen=1 pid={serverPid}"), string.Join('\n', _worker.Events.Lines));
        Assert.True(_worker.Events.Has($"exit gen=1 pid={serverPid}"), string.Join('\n', _worker.Events.Lines));
        Assert.False(Posix.GroupExists(shellPid), $"process group {shellPid} still has members");
        if (!signalGroup)
            Assert.Contains($"worker {shellPid} (generation 1) exited, leaving processes in its group; sending TERM to them", starter.Output);
    }

    private static int ProcessGroupOf(int pid)
    {
        // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so count from the last ')'.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);
    }
}
