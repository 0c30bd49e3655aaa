using StarterHost.Signals;
using StarterHost.Tests.Support;
using StarterHost.Upgrade;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>
/// StarterHost upgrading itself in place (SIGUSR2, <c>--upgrade</c>), as a package manager's upgrade happens: a new
/// file renamed over the running one, then the signal; the pid, the workers and the listening sockets stay.
/// </summary>
public sealed class UpgradeInPlaceTests(ITestOutputHelper output) : IDisposable
{
    private readonly UpgradableCopy _copy = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _copy.Dispose();
        _dir.Dispose();
    }

    private static string[] PoolWorker => ["--", "perl", Path.Combine(AppContext.BaseDirectory, "Workers", "pool-worker.pl")];

    private string PidFile => _dir.File("pid");

    private StarterProcess Start(IReadOnlyDictionary<string, string?>? environment = null, params string[] options) =>
        StarterProcess.StartProgram(_copy.Executable,
            ["--port=127.0.0.1:0", $"--pid-file={PidFile}", $"--status-file={_dir.File("status")}", .. options, .. PoolWorker], environment);

    private (int ExitCode, string Output) Upgrade() =>
        StarterProcess.Run(["--upgrade", $"--pid-file={PidFile}", "--timeout=25"]);

    private static string Title(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    [Fact]
    public void ABinaryRenamedOverThenUsr2UnderLoadKeepsThePidAndTheWorkerAndFailsNoRequest()
    {
        using var starter = Start(null, "--interval=0.5");
        int port = starter.BoundPort("127.0.0.1:0");
        int worker = starter.WorkerPid(1);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        ulong workerStart = ProcessStartTime.Of(worker)!.Value;
        using var load = new HttpLoad(port, clients: 4);
        load.WaitForGeneration(1);

        _copy.RenameOver();
        Assert.Equal($"{_copy.Executable} (deleted)", UpgradableCopy.RunningFile(starter.Pid));
        var (code, said) = Upgrade();
        output.WriteLine(said);
        Assert.Equal(0, code);
        Assert.Contains($"upgrade complete: pid {starter.Pid} runs ", said);
        Assert.Equal(_copy.Executable, UpgradableCopy.RunningFile(starter.Pid));
        starter.WaitForLine(@"upgraded in place to \S+ in \d+(\.\d)? ms \(exec to supervising\), supervising as before \(upgrades so far: 1\)");
        int answered = load.Answers.Count;
        Eventually.True(() => load.Answers.Count > answered + 20, "answers after the upgrade");
        load.Stop();
        new LoadReport([.. load.Answers], [.. load.Failures], new Dictionary<int, int>()).WriteTo(output, "one upgrade under load");
        Assert.Empty(load.Failures);
        // The same worker process, never signalled (a signal would make it say "draining").
        Assert.Equal(workerStart, ProcessStartTime.Of(worker));
        Assert.Contains("pool-worker: serving gen=1", Title(worker));
        Assert.Equal([worker], StarterProcess.ChildrenOf(starter.Pid));

        // The new image supervises: a HUP replaces the worker, the old one is reaped, TERM ends it all.
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine($"old worker {worker} died");
        Eventually.True(() => !Directory.Exists($"/proc/{worker}"), $"old worker {worker} reaped");
        Assert.Equal(2, HttpProbe.Get(port).Generation);
        int second = starter.WorkerPid(2);
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.False(Directory.Exists($"/proc/{second}") && !File.ReadAllText($"/proc/{second}/stat").Contains(") Z ", StringComparison.Ordinal), "a worker left running");
        Assert.False(File.Exists(PidFile), "the pid file left behind");
        Assert.False(File.Exists(UpgradeResultFile.Of(PidFile)), "the upgrade's result file left behind");
    }

    [Fact]
    public void BadFilesAreRefusedWithTheReasonAndTheOldImageServesOn()
    {
        using var starter = Start(null, "--interval=0.2");
        int port = starter.BoundPort("127.0.0.1:0");
        int worker = starter.WorkerPid(1);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        string testAssembly = typeof(UpgradeInPlaceTests).Assembly.Location;
        (string What, string Contents, bool Executable, string Reason)[] bad =
        [
            ("exits 1", "#!/bin/sh\necho 'this is not StarterHost' >&2\nexit 1\n", true, @"--upgrade-check failed with status:256 \(exit code 1\): this is not StarterHost"),
            ("not executable", "#!/bin/sh\nexit 0\n", false, "cannot run the new file's --upgrade-check: .*(Permission denied|EACCES)"),
            ("another state schema", $"#!/bin/sh\nexec dotnet {testAssembly} child upgrade-check-schema 99 \"$@\"\n", true,
                @"--upgrade-check failed with status:256 \(exit code 1\): state schema 1 is not one this StarterHost reads"),
        ];
        foreach (var (what, contents, executable, reason) in bad)
        {
            _copy.RenameOver(contents, executable);
            var (code, said) = Upgrade();
            output.WriteLine($"{what}: {said}");
            Assert.Equal(1, code);
            Assert.Matches($"starterhost: upgrade failed: .*{reason}", said);
            starter.WaitForLine($"upgrade refused: .*{reason}");
            Assert.Equal($"{_copy.Executable} (deleted)", UpgradableCopy.RunningFile(starter.Pid));
            Assert.Equal(1, HttpProbe.Get(port).Generation);
            Assert.Contains("pool-worker: serving gen=1", Title(worker));
        }
        Assert.Equal([worker], StarterProcess.ChildrenOf(starter.Pid));
    }

    [Fact]
    public void ANewImageThatCannotTakeOverRollsBackToTheOldOne()
    {
        // It passes the check, then refuses the command line it is started with (a version that dropped an option): the old image comes back.
        string wrapper = _dir.File("new-starterhost");
        File.WriteAllText(wrapper, $"#!/bin/sh\n[ \"$1\" = --upgrade-check ] && exec {_copy.Executable} \"$@\"\nexec {_copy.Executable} --no-such-option \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        using var starter = Start(null, "--interval=0.2", $"--upgrade-exec={wrapper}");
        int port = starter.BoundPort("127.0.0.1:0");
        int worker = starter.WorkerPid(1);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        var (code, said) = Upgrade();
        output.WriteLine(said);
        Assert.Equal(1, code);
        Assert.Matches("upgrade failed: rolled back: Unknown option: no-such-option", said);
        starter.WaitForLine("upgrade rolled back: Unknown option: no-such-option");
        Assert.Equal(1, HttpProbe.Get(port).Generation);
        Assert.Contains("pool-worker: serving gen=1", Title(worker));
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine($"old worker {worker} died");
        Assert.Equal(2, HttpProbe.Get(port).Generation);
    }

    [Fact]
    public void AHangupSentDuringTheExecIsActedOnOnceByTheNewImage()
    {
        using var starter = Start(null, "--interval=0.2");
        int worker = starter.WorkerPid(1);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        // The apphost, like the dll form, starts runtime threads before Main that do not block the signals, and a
        // handler there takes one: the first upgrade of such a start has that window (README). An upgraded image
        // is started with the signals blocked on every thread: from it on, nothing consumes a signal but the loop.
        Assert.Equal(0, Upgrade().ExitCode);
        starter.Signal(SignalNames.Usr2);
        starter.WaitForLines("upgrading in place to", 2);
        starter.Signal(SignalNames.Hup);
        starter.WaitForLines("upgraded in place to", 2);
        starter.WaitForLine($"old worker {worker} died");
        starter.WaitForLine("generation 2 \\(pid \\d+\\) is serving");
        Assert.Single(starter.WaitForLines("received HUP"));
        Assert.DoesNotContain("generation 3", starter.Output);
    }

    [Fact]
    public void AWorkerThatExitsDuringTheExecIsReapedAndReplacedByTheNewImage()
    {
        using var starter = Start(null, "--interval=0.2");
        int worker = starter.WorkerPid(1);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        starter.Signal(SignalNames.Usr2);
        starter.WaitForLine("upgrading in place to");
        Posix_Kill(worker, SignalNames.Kill);
        starter.WaitForLine($@"worker {worker} died unexpectedly with status:9 \(killed by SIGKILL\), restarting");
        starter.WaitForLine("upgraded in place to");
        Eventually.True(() => !Directory.Exists($"/proc/{worker}"), $"worker {worker} reaped");
        starter.WaitForLine("generation 2 \\(pid \\d+\\) is serving");
    }

    [Fact]
    public void ADrainDeadlineCrossesTheExecAndStillKills()
    {
        var worker = new TestWorker(_dir);
        // Its workers ignore TERM: the old one drains until the deadline's KILL.
        worker.Stubborn();
        using var starter = StarterProcess.StartProgram(_copy.Executable,
            ["--port=127.0.0.1:0", $"--pid-file={PidFile}", "--interval=0.2", "--drain-timeout=4", .. worker.Command], worker.Environment);
        int first = starter.WorkerPid(1);
        worker.Events.WaitFor("ready .*gen=1");
        starter.Signal(SignalNames.Hup);
        worker.Events.WaitFor($"signal TERM ignored gen=1 pid={first}");
        var (code, said) = StarterProcess.Run(["--upgrade", $"--pid-file={PidFile}", "--timeout=25"]);
        output.WriteLine(said);
        Assert.Equal(0, code);
        starter.WaitForLine($"worker {first} \\(generation 1\\) is still alive 4 s after its signal; sending KILL");
        starter.WaitForLine($"old worker {first} died, status:9");
        Eventually.True(() => !Directory.Exists($"/proc/{first}"), $"old worker {first} reaped");
    }

    [Fact]
    public void TheDllFormUpgradesThroughTheSameHostAndDll()
    {
        using var starter = StarterProcess.StartProgram("dotnet",
            [_copy.Dll, "--port=127.0.0.1:0", $"--pid-file={PidFile}", $"--status-json={_dir.File("status.json")}", "--interval=0.2", .. PoolWorker]);
        int port = starter.BoundPort("127.0.0.1:0");
        int worker = starter.WorkerPid(1);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        System.Text.Json.JsonElement Host() => System.Text.Json.JsonDocument.Parse(File.ReadAllText(_dir.File("status.json"))).RootElement.GetProperty("starterhost");
        Eventually.True(() => File.Exists(_dir.File("status.json")), "the status JSON");
        var before = Host();
        Assert.Equal(0, before.GetProperty("upgrades").GetInt32());
        var (code, said) = Upgrade();
        output.WriteLine(said);
        Assert.Equal(0, code);
        Assert.Contains(_copy.Dll, File.ReadAllText($"/proc/{starter.Pid}/cmdline"));
        // --status-json carries on: the same pid, one upgrade, the new image's start.
        Eventually.True(() => Host().GetProperty("upgrades").GetInt32() == 1, "upgrades: 1 in the status JSON");
        Assert.Equal(starter.Pid, Host().GetProperty("pid").GetInt32());
        Assert.True(Host().GetProperty("image_started_at").GetDateTime() > before.GetProperty("image_started_at").GetDateTime());
        Assert.Equal(1, HttpProbe.Get(port).Generation);
        Assert.Contains("pool-worker: serving gen=1", Title(worker));
    }

    [Fact]
    public void UpgradesInARowLeaveMemoryDescriptorsAndThreadsFlat()
    {
        int rounds = int.Parse(System.Environment.GetEnvironmentVariable("STARTERHOST_UPGRADE_ROUNDS") ?? "12", System.Globalization.CultureInfo.InvariantCulture);
        using var starter = Start(null, "--interval=0.2");
        int port = starter.BoundPort("127.0.0.1:0");
        int worker = starter.WorkerPid(1);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        (long Rss, int Fds, int Threads) Measure() => (
            long.Parse(File.ReadAllLines($"/proc/{starter.Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture),
            Directory.GetFiles($"/proc/{starter.Pid}/fd").Length,
            Directory.GetDirectories($"/proc/{starter.Pid}/task").Length);
        var samples = new List<(long Rss, int Fds, int Threads)>();
        for (int round = 1; round <= rounds; round++)
        {
            var (code, said) = Upgrade();
            Assert.True(code == 0, said);
            starter.WaitForLines("upgraded in place to", round);
            samples.Add(Measure());
        }
        output.WriteLine(string.Join("\n", samples.Select((s, i) => $"after upgrade {i + 1}: VmRSS {s.Rss} kB, {s.Fds} fds, {s.Threads} threads")));
        // From the second on (the first image loaded its code from a cold start too): no growth with the count.
        var settled = samples.Skip(1).ToList();
        Assert.True(settled.Max(s => s.Fds) - settled.Min(s => s.Fds) <= 2, "descriptors grow with upgrades");
        Assert.True(settled.Max(s => s.Threads) - settled.Min(s => s.Threads) <= 4, "threads grow with upgrades");
        Assert.True(settled[^1].Rss < settled[0].Rss * 1.5, "memory grows with upgrades");
        Assert.Equal(1, HttpProbe.Get(port).Generation);
        Assert.Equal([worker], StarterProcess.ChildrenOf(starter.Pid));
    }

    private static void Posix_Kill(int pid, int signal) => StarterHost.Interop.Posix.SendSignal(pid, signal);
}
