using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>--workers=N with real processes: one generation of N workers on the same sockets, each in a slot.</summary>
public sealed class PoolTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public PoolTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private string StatusFile => _dir.File("status");

    private StarterProcess Start(params string[] options) =>
        StarterProcess.Start(["--port=127.0.0.1:0", $"--status-file={StatusFile}", .. options, .. _worker.Command], _worker.Environment);

    /// <summary>The pids of generation 1's workers by slot, once the status file lists all of them.</summary>
    private Dictionary<int, int> ServingPool(StarterProcess starter, int workers)
    {
        var started = starter.WaitForLines(@"starting new worker (\d+) \(generation 1, slot (\d+)\)", workers)
            .ToDictionary(m => int.Parse(m.Groups[2].Value), m => int.Parse(m.Groups[1].Value));
        string expected = string.Concat(started.Values.Order().Select(pid => $"1:{pid}\n"));
        Eventually.True(() => ReadStatus() == expected, $"the status file to list {expected}");
        return started;
    }

    [Fact]
    public void ThreeWorkersShareTheSocketsEachInASlotAndTheStatusFileListsThree()
    {
        using var starter = Start("--workers=3", "--interval=0.5");
        int port = starter.BoundPort("127.0.0.1:0");
        var pool = ServingPool(starter, 3);
        starter.WaitForLine($@"generation 1 is serving: 3 workers, pids {string.Join(',', pool.Values.Order())}");
        Assert.Equal([0, 1, 2], pool.Keys.Order());

        var listeners = pool.Values.Select(pid => new FileInfo($"/proc/{pid}/fd/3").LinkTarget).ToList();
        Assert.Single(listeners.Distinct());
        Assert.StartsWith("socket:", listeners[0]);
        foreach (var (slot, pid) in pool)
        {
            var environment = Environ(pid);
            Assert.Equal("1", environment["SERVER_STARTER_GENERATION"]);
            Assert.Equal(slot.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["SERVER_STARTER_WORKER"]);
        }
        Assert.Matches(@"^gen=1 pid=\d+ key=127\.0\.0\.1:0$", WorkerClient.Ask(port));

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.All(pool.Values, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"worker {pid} outlived StarterHost"));
    }

    [Fact]
    public void WithOneWorkerTheEnvironmentHasNoSlotAsUnderStartServer()
    {
        using var starter = Start("--interval=0.2");
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*pid={first}");
        Assert.False(Environ(first).ContainsKey("SERVER_STARTER_WORKER"));
    }

    [Fact]
    public void KillingOneWorkerRespawnsOnlyItsSlotInTheSameGeneration()
    {
        using var starter = Start("--workers=3", "--interval=0.5");
        var pool = ServingPool(starter, 3);

        Posix.SendSignal(pool[1], 9);
        starter.WaitForLine($@"worker {pool[1]} \(generation 1, slot 1\) died unexpectedly with status:9 \(killed by SIGKILL\), restarting its slot");
        // The second worker started for slot 1 is its replacement.
        int replacement = int.Parse(starter.WaitForLines(@"starting new worker (\d+) \(generation 1, slot 1\)", 2)[1].Groups[1].Value);
        starter.WaitForLine($@"worker {replacement} \(generation 1, slot 1\) has started and serves its slot");
        string expected = string.Concat(new[] { pool[0], replacement, pool[2] }.Order().Select(pid => $"1:{pid}\n"));
        Eventually.True(() => ReadStatus() == expected, $"the status file to list {expected}");

        Assert.Equal("1", Environ(replacement)["SERVER_STARTER_WORKER"]);
        Assert.Equal("1", Environ(replacement)["SERVER_STARTER_GENERATION"]);
        Assert.False(_worker.Events.Has("signal"), "a worker was signalled:\n" + string.Join('\n', _worker.Events.Lines));
        Assert.DoesNotContain("generation 2", starter.Output);
    }

    private string? ReadStatus() => File.Exists(StatusFile) ? File.ReadAllText(StatusFile) : null;

    private static Dictionary<string, string> Environ(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('=', 2)).Where(kv => kv.Length == 2).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);
}
