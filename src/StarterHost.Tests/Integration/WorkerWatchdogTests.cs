using System.Diagnostics;
using System.Text.Json;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>
/// --worker-watchdog and TTIN/TTOU with real processes: a worker that stops pinging is replaced and killed while the
/// others serve on; the pool's size follows the signals and survives a HUP; Debian's Puma pings unmodified.
/// </summary>
public sealed class WorkerWatchdogTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private TestWorker? _worker;

    private TestWorker Worker => _worker ??= new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private StarterProcess Start(params string[] options) =>
        StarterProcess.Start(["--port=127.0.0.1:0", $"--status-file={_dir.File("status")}", .. options, .. Worker.Command], Worker.Environment);

    /// <summary>The pids of <paramref name="generation"/>'s first workers by slot, once each has started.</summary>
    private static Dictionary<int, int> Pool(StarterProcess starter, int generation, int workers) =>
        starter.WaitForLines($@"starting new worker (\d+) \(generation {generation}, slot (\d+)\)", workers)
            .ToDictionary(m => int.Parse(m.Groups[2].Value), m => int.Parse(m.Groups[1].Value));

    [Fact]
    public void AWorkerThatStopsPingingIsReplacedAndKilledWhileTheOthersServeEveryRequest()
    {
        using var starter = Start("--workers=3", "--interval=0.3", "--worker-watchdog=1", "--drain-timeout=2");
        int port = starter.BoundPort("127.0.0.1:0");
        var pool = Pool(starter, 1, 3);
        starter.WaitForLine(@"generation 1 is serving: 3 workers");
        foreach (int pid in pool.Values)
        {
            Worker.Events.WaitFor($"watchdog every=0.5 gen=1 pid={pid}");
            var environment = Environ(pid);
            Assert.Equal("1000000", environment["WATCHDOG_USEC"]);
            // Set by the exec helper to the worker's own pid, as sd_watchdog_enabled(3) checks it.
            Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["WATCHDOG_PID"]);
        }

        // Requests all along, on fresh connections: every one must be answered, by a worker that is not the hung one.
        using var stop = new CancellationTokenSource();
        var answers = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // Answers to connections made once the worker said it hangs: none of those can be its own.
        var afterHang = new System.Collections.Concurrent.ConcurrentQueue<string>();
        int hangSeen = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var load = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    bool after = Volatile.Read(ref hangSeen) == 1;
                    string answer = WorkerClient.Ask(port);
                    answers.Enqueue(answer);
                    if (after)
                        afterHang.Enqueue(answer);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        }) { IsBackground = true };
        load.Start();

        int hung = pool[1];
        var clock = Stopwatch.StartNew();
        File.WriteAllText(Path.Combine(Worker.ControlDirectory, $"hang-{hung}"), "");
        Worker.Events.WaitFor($"hanging gen=1 pid={hung}");
        Volatile.Write(ref hangSeen, 1);
        var since = clock.Elapsed;
        starter.WaitForLine($@"worker {hung} \(generation 1, slot 1\) sent no WATCHDOG=1 for 1 s: hung; replacing it, then sending ABRT");
        int replacement = int.Parse(starter.WaitForLines(@"starting new worker (\d+) \(generation 1, slot 1\)", 2)[1].Groups[1].Value);
        starter.WaitForLine($@"worker {hung} \(generation 1\) is still alive 2 s after its signal; sending KILL to its process group");
        starter.WaitForLine($@"old worker {hung} died, status:9");
        var gone = clock.Elapsed - since;
        starter.WaitForLine($@"worker {replacement} \(generation 1, slot 1\) has started and serves its slot");
        Eventually.True(() => answers.Any(a => a.Contains($"pid={replacement} ")), "the replacement to answer");
        stop.Cancel();
        Assert.True(load.Join(StarterProcess.DefaultTimeout));

        output.WriteLine($"hung worker gone {gone.TotalSeconds:0.00} s after it stopped pinging (period 1 s + drain 2 s); {answers.Count} requests, {failures.Count} failed");
        Assert.Empty(failures);
        Assert.NotEmpty(afterHang);
        Assert.DoesNotContain(afterHang, a => a.Contains($"pid={hung} "));
        // The others were never signalled: they served throughout.
        Assert.False(Worker.Events.Has($"signal .*pid=({pool[0]}|{pool[2]})$"), string.Join('\n', Worker.Events.Lines));
        Assert.Contains(answers, a => a.Contains($"pid={pool[0]} ") || a.Contains($"pid={pool[2]} "));
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }

    [Fact]
    public void TwoTtinOneTtouAndAHupLeaveGenerationTwoWithOneWorkerMore()
    {
        string json = _dir.File("status.json");
        using var starter = Start("--workers=2", "--interval=0.3", $"--status-json={json}");
        int port = starter.BoundPort("127.0.0.1:0");
        Pool(starter, 1, 2);
        starter.WaitForLine(@"generation 1 is serving: 2 workers");

        starter.Signal(SignalNames.Ttin);
        starter.WaitForLine(@"workers 2 → 3 \(TTIN\)");
        starter.WaitForLine(@"worker \d+ \(generation 1, slot 2\) has started and serves its slot");
        starter.Signal(SignalNames.Ttin);
        starter.WaitForLine(@"workers 3 → 4 \(TTIN\)");
        int fourth = int.Parse(starter.WaitForLine(@"worker (\d+) \(generation 1, slot 3\) has started and serves its slot").Groups[1].Value);
        // "Started" is --interval of life, which a loaded machine can spend before the worker's TERM handler is
        // installed; its "ready" says it is, so that the retirement below is the graceful one it writes down.
        Worker.Events.WaitFor($"^ready .* gen=1 pid={fourth}$");
        starter.Signal(SignalNames.Ttou);
        starter.WaitForLine(@"workers 4 → 3 \(TTOU\)");
        starter.WaitForLine($@"retiring slot 3: {fourth}");
        Worker.Events.WaitFor($"exit gen=1 pid={fourth}");

        starter.Signal(SignalNames.Hup);
        var generation2 = Pool(starter, 2, 3);
        starter.WaitForLine(@"generation 2 is serving: 3 workers");
        Assert.Equal([0, 1, 2], generation2.Keys.Order());
        string expected = string.Concat(generation2.Values.Order().Select(pid => $"2:{pid}\n"));
        Eventually.True(() => File.Exists(_dir.File("status")) && File.ReadAllText(_dir.File("status")) == expected, $"the status file to list {expected}");
        // Generation 2 answers, and only it.
        Assert.StartsWith("gen=2 ", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 2));
        for (int i = 0; i < 10; i++)
            Assert.StartsWith("gen=2 ", WorkerClient.Ask(port));

        Eventually.True(() => Workers(json) == (2, 3), "--status-json to report 2 configured, 3 current");
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }

    /// <summary>
    /// Debian's Puma with ruby-sd-notify pings WATCHDOG=1 by itself once WATCHDOG_USEC is set and WATCHDOG_PID is its
    /// own pid: nothing to configure. Stopped (SIGSTOP, a hang it cannot hide), it is replaced by the next generation.
    /// </summary>
    [Fact]
    public void PumaPingsTheWatchdogUnmodifiedAndIsReplacedOnceItStops()
    {
        string puma = ThirdPartyWorkerTests.Which("puma") ?? throw new InvalidOperationException("puma not found: install Debian's puma and ruby-sd-notify packages (.ci/run does)");
        string rackup = Path.Combine(AppContext.BaseDirectory, "Workers", "hello.ru");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--listen-fds", "--readiness=notify", "--start-timeout=60",
            "--worker-watchdog=2", "--drain-timeout=2", "--", puma, "--bind-to-activated-sockets", "only", "--environment", "production", rackup]);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        starter.WaitForLine(@"Pinging systemd watchdog every 1\.0 sec");
        starter.WaitForLine($@"generation 1 \(pid {first}\) is serving");

        // Served for three whole periods: its own pings kept it from being taken for hung.
        var serving = Stopwatch.StartNew();
        while (serving.Elapsed < TimeSpan.FromSeconds(6))
            Assert.Equal(1, HttpProbe.Get(port).Generation);
        Assert.DoesNotContain("hung", starter.Output);

        Posix.SendSignal(first, 19); // SIGSTOP
        starter.WaitForLine($@"worker {first} \(generation 1\) sent no WATCHDOG=1 for 2 s: hung; replacing it, then sending ABRT");
        int second = starter.WorkerPid(2);
        starter.WaitForLine($@"generation 2 \(pid {second}\) is serving");
        starter.WaitForLine($@"worker {first} \(generation 1\) is still alive 2 s after its signal; sending KILL to its process group");
        Assert.Equal(2, HttpProbe.Get(port).Generation);

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }

    private static (int Configured, int Current)? Workers(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var workers = document.RootElement.GetProperty("workers");
            return (workers.GetProperty("configured").GetInt32(), workers.GetProperty("current").GetInt32());
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Environ(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('=', 2)).Where(kv => kv.Length == 2).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);
}
