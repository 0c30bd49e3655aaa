using System.Diagnostics;
using StarterHost.Hosting;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// StarterHost as PID 1 of a pid namespace (a container run without --init), where the runtime reaps every
/// child of PID 1 itself: everything as elsewhere. Signals go to PID 1, as docker stop and the kubelet send
/// them; the pids StarterHost names are the namespace's.
/// </summary>
public sealed class Pid1Tests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public Pid1Tests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private string StatusFile => _dir.File("status");

    private StarterProcess Start(params string[] options) =>
        PidNamespace.Start(["--port=127.0.0.1:0", "--interval=0.2", $"--status-file={StatusFile}", .. options, .. _worker.Command], _worker.Environment);

    [PidNamespaceFact]
    public void ACrashedWorkerIsReplacedAndTheNewOneAnswers()
    {
        using var unshare = Start();
        int port = unshare.BoundPort("127.0.0.1:0");
        int first = unshare.WorkerPid(1);
        unshare.WaitForLine($@"generation 1 \(pid {first}\) is serving");
        Assert.Equal($"gen=1 pid={first} key=127.0.0.1:0", WorkerClient.Ask(port));

        int worker = PidNamespace.HostPid(unshare, first);
        Assert.DoesNotContain(File.ReadAllText($"/proc/{worker}/environ").Split('\0'), v => v.StartsWith(InitRole.ChildVariable, StringComparison.Ordinal));
        Posix.SendSignal(worker, SignalNames.Kill);
        unshare.WaitForLine($@"worker {first} died unexpectedly with status:9 \(killed by SIGKILL\), restarting");
        int second = unshare.WorkerPid(2);
        Assert.Equal($"gen=2 pid={second} key=127.0.0.1:0", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 2));
        AssertStatusNamesLiveWorkers(unshare, $"2:{second}");
    }

    [PidNamespaceFact]
    public void HangupRestartsToGenerationTwo()
    {
        using var unshare = Start();
        int port = unshare.BoundPort("127.0.0.1:0");
        int first = unshare.WorkerPid(1);
        unshare.WaitForLine($@"generation 1 \(pid {first}\) is serving");

        Posix.SendSignal(PidNamespace.Init(unshare), SignalNames.Hup);
        int second = unshare.WorkerPid(2);
        unshare.WaitForLine($@"old worker {first} died, status:0 \(exit code 0\)");
        Assert.Equal($"gen=2 pid={second} key=127.0.0.1:0", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 2));
        AssertStatusNamesLiveWorkers(unshare, $"2:{second}");
    }

    [PidNamespaceFact]
    public void TermStopsTheWorkersAndEndsTheNamespaceWithExitZero()
    {
        using var unshare = Start("--drain-timeout=20");
        int first = unshare.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*gen=1 pid={first}");
        // PID 1, StarterHost, the worker: each as it is now, so that a pid given to a later process is not taken for it.
        var processes = StarterProcess.DescendantsOf(unshare.Pid).Select(pid => (Pid: pid, Identity: PidNamespace.Identity(pid))).ToList();
        Assert.Equal(3, processes.Count);
        // A terminal's Ctrl-C goes to its foreground group: PID 1's alone, which forwards it once.
        int supervisor = PidNamespace.Supervisor(unshare);
        Assert.Equal(supervisor, PidNamespace.ProcessGroup(supervisor));

        Posix.SendSignal(PidNamespace.Init(unshare), SignalNames.Term);
        Assert.Equal(0, unshare.WaitForExit());
        // Stopped by StarterHost's TERM and seen to exit, not swept by the kernel's KILL as PID 1 ends.
        Assert.True(_worker.Events.Has($"exit gen=1 pid={first}"), string.Join('\n', _worker.Events.Lines));
        Assert.Contains($"worker {first} died, status:0 (exit code 0)", unshare.Output);
        Assert.DoesNotContain("still alive", unshare.Output);
        Assert.All(processes, process => Assert.NotEqual(process.Identity, PidNamespace.Identity(process.Pid)));
        Assert.False(File.Exists(StatusFile), "the status file was left behind");
    }

    [PidNamespaceFact]
    public void AWorkerThatIgnoresTermIsKilledAtTheDrainTimeoutAndStarterHostExits()
    {
        _worker.Stubborn();
        using var unshare = Start("--drain-timeout=1");
        int first = unshare.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*pid={first}");

        Posix.SendSignal(PidNamespace.Init(unshare), SignalNames.Term);
        _worker.Events.WaitFor($"signal TERM ignored gen=1 pid={first}");
        Assert.Equal(0, unshare.WaitForExit());
        Assert.Contains($"worker {first} (generation 1) is still alive 1 s after its signal; sending KILL to its process group", unshare.Output);
        Assert.Contains($"worker {first} died, status:9 (killed by SIGKILL)", unshare.Output);
    }

    [PidNamespaceFact]
    public void AHangupWhileStarterHostStartsIsHeldUntilItCanActOnIt()
    {
        using var unshare = Start();
        // PID 1 forwards from the moment its child exists, long before the child's own handlers are in place.
        PidNamespace.Supervisor(unshare);
        Posix.SendSignal(PidNamespace.Init(unshare), SignalNames.Hup);

        int second = unshare.WorkerPid(2);
        _worker.Events.WaitFor($"ready .*gen=2 pid={second}");
        Posix.SendSignal(PidNamespace.Init(unshare), SignalNames.Term);
        Assert.Equal(0, unshare.WaitForExit());
    }

    [PidNamespaceFact]
    public void PidOneExitsWithItsChildsStatusAs128PlusTheSignalThatKilledIt()
    {
        using var unshare = Start();
        _worker.Events.WaitFor($"ready .*pid={unshare.WorkerPid(1)}");
        Posix.SendSignal(PidNamespace.Supervisor(unshare), SignalNames.Kill);
        Assert.Equal(128 + SignalNames.Kill, unshare.WaitForExit());
    }

    [PidNamespaceFact]
    public void PidOneReapsAnOrphanLeftInTheNamespace()
    {
        using var unshare = Start();
        int init = PidNamespace.Init(unshare);
        int supervisor = PidNamespace.Supervisor(unshare);
        // A process that enters the namespace and leaves a child behind: the kernel gives the orphan to PID 1.
        using (var visitor = Process.Start("nsenter", ["--target", init.ToString(), "--pid", "--", "/bin/sh", "-c", "sleep 1000 & exit 0"]))
            visitor.WaitForExit();
        int orphan = Eventually.Get(() => StarterProcess.ChildrenOf(init).Where(pid => pid != supervisor).Select(pid => (int?)pid).FirstOrDefault(),
            "PID 1 to adopt the orphan");
        string identity = PidNamespace.Identity(orphan)!;

        Posix.SendSignal(orphan, SignalNames.Kill);
        Eventually.True(() => PidNamespace.Identity(orphan) != identity, $"orphan {orphan} reaped, not left a zombie");
    }

    [PidNamespaceFact]
    public void BadInputIsOneLineAndExitOne()
    {
        using var unshare = PidNamespace.Start(["--bogus", "--", "true"]);
        Assert.Equal(1, unshare.WaitForExit());
        Assert.Equal("starterhost: Unknown option: bogus", unshare.Output);
    }

    [PidNamespaceFact]
    public void DaemonizeIsRefusedInOneLineBeforeAnyWorkerStarts()
    {
        using var unshare = PidNamespace.Start(["--daemonize", "--port=127.0.0.1:0", $"--log-file={_dir.File("log")}", .. _worker.Command], _worker.Environment);
        Assert.Equal(1, unshare.WaitForExit());
        Assert.Equal("starterhost: --daemonize cannot work as PID 1 (a container or pid namespace without an init): the namespace ends when PID 1 exits; run in the foreground",
            unshare.Output);
        Assert.Empty(_worker.Events.Lines);
    }

    [PidNamespaceFact]
    public void StatusAnswersWithItsExitCode()
    {
        using var unshare = PidNamespace.Start(["--status", $"--status-json={_dir.File("absent.json")}"]);
        Assert.Equal(3, unshare.WaitForExit());
        Assert.Equal($"starterhost is not running: there is no {_dir.File("absent.json")}", unshare.Output);
    }

    /// <summary>The status file comes to say exactly <paramref name="expected"/>, and names live processes of the namespace only.</summary>
    private void AssertStatusNamesLiveWorkers(StarterProcess unshare, string expected)
    {
        Eventually.True(() => File.Exists(StatusFile) && File.ReadAllText(StatusFile) == expected + "\n", $"the status file to say {expected}");
        foreach (string line in File.ReadAllLines(StatusFile))
        {
            int pid = int.Parse(line.Split(':')[1]);
            Assert.NotEqual('Z', PidNamespace.State(PidNamespace.HostPid(unshare, pid)));
        }
    }
}
