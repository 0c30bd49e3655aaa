using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;
using StarterHost.Upgrade;

namespace StarterHost.Tests.Integration;

/// <summary>
/// An upgrade in place of StarterHost as PID 1 of a pid namespace (a container without --init): PID 1 stays the init
/// it is and forwards USR2; its child, the StarterHost that supervises, execs the new file in place; the worker is
/// never touched.
/// </summary>
public sealed class UpgradeAsPidOneTests : IDisposable
{
    private readonly UpgradableCopy _copy = new();

    public void Dispose() => _copy.Dispose();

    [PidNamespaceFact]
    public void TheChildUpgradesInPlaceWhileTheInitAndTheWorkerStay()
    {
        using var unshare = StarterProcess.StartProgram(PidNamespace.Launcher[0],
            [.. PidNamespace.Launcher.Skip(1), _copy.Executable, "--port=127.0.0.1:0", "--interval=0.2",
                "--", "perl", Path.Combine(AppContext.BaseDirectory, "Workers", "pool-worker.pl")]);
        int port = unshare.BoundPort("127.0.0.1:0");
        int first = unshare.WorkerPid(1);
        unshare.WaitForLine($@"generation 1 \(pid {first}\) is serving");
        int init = PidNamespace.Init(unshare);
        int supervisor = PidNamespace.Supervisor(unshare);
        int worker = PidNamespace.HostPid(unshare, first);
        string? initIdentity = PidNamespace.Identity(init);
        string? supervisorIdentity = PidNamespace.Identity(supervisor);
        ulong workerStart = ProcessStartTime.Of(worker)!.Value;

        _copy.RenameOver();
        Posix.SendSignal(init, SignalNames.Usr2);
        unshare.WaitForLine("upgraded in place to .*upgrades so far: 1");

        // The child runs the new file, in the same process; PID 1 is the same process, on the file it started from.
        Assert.Equal(_copy.Executable, UpgradableCopy.RunningFile(supervisor));
        Assert.Equal(supervisorIdentity, PidNamespace.Identity(supervisor));
        Assert.Equal(initIdentity, PidNamespace.Identity(init));
        Assert.Equal($"{_copy.Executable} (deleted)", UpgradableCopy.RunningFile(init));
        Assert.Equal([supervisor], StarterProcess.ChildrenOf(init));
        // Still its own process group's leader: a terminal's Ctrl-C reaches PID 1 alone.
        Assert.Equal(supervisor, PidNamespace.ProcessGroup(supervisor));
        // The worker: the same process, never signalled, still answering as generation 1.
        Assert.Equal(workerStart, ProcessStartTime.Of(worker));
        Assert.Contains("pool-worker: serving gen=1", File.ReadAllText($"/proc/{worker}/cmdline").Replace('\0', ' '));
        Assert.Equal([worker], StarterProcess.ChildrenOf(supervisor));
        Assert.Equal(1, HttpProbe.Get(port).Generation);

        // The new image supervises: a HUP through PID 1 replaces the worker, TERM ends the namespace cleanly.
        Posix.SendSignal(init, SignalNames.Hup);
        unshare.WaitForLine($"old worker {first} died");
        Assert.Equal(2, HttpProbe.Get(port).Generation);
        Posix.SendSignal(init, SignalNames.Term);
        Assert.Equal(0, unshare.WaitForExit());
        Assert.Single(unshare.WaitForLines("received HUP"));
    }
}
