using System.Net;
using System.Net.Sockets;
using System.Text;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>--metrics on a real StarterHost with real workers: what a scrape shows across a HUP, the accept queue of a
/// worker that does not accept, what the endpoint costs while nobody scrapes, and a real Prometheus reading it.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public MetricsTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private StarterProcess Start(params string[] options) =>
        StarterProcess.Start(["--port=127.0.0.1:0", "--interval=1", .. options, .. _worker.Command], _worker.Environment);

    private StarterProcess StartMetered(out IPEndPoint metrics)
    {
        var starter = Start("--metrics=127.0.0.1:0");
        metrics = MetricsClient.EndPointOf(starter);
        return starter;
    }

    private static double Read(IPEndPoint metrics, string series) =>
        MetricsClient.Sample(MetricsClient.Scrape(metrics), series) ?? throw new Xunit.Sdk.XunitException($"no {series} in a scrape");

    [Fact]
    public void AScrapeShowsTheGenerationThenTheNextAfterAHangupWithOneWorkerServing()
    {
        using var starter = StartMetered(out var metrics);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        starter.WaitForLine($"generation 1 \\(pid {first}\\) is serving");
        string scrape = MetricsClient.Scrape(metrics);
        Assert.Equal(1, MetricsClient.Sample(scrape, "starterhost_generation"));
        Assert.Equal(0, MetricsClient.Sample(scrape, "starterhost_restarts_total"));
        Assert.Equal(1, MetricsClient.Sample(scrape, "starterhost_workers{state=\"serving\"}"));
        Assert.Equal(0, MetricsClient.Sample(scrape, "starterhost_listen_queue_length{listener=\"127.0.0.1:0\"}"));
        Assert.Equal(4096, MetricsClient.Sample(scrape, "starterhost_listen_backlog{listener=\"127.0.0.1:0\"}"));
        Assert.True(MetricsClient.Sample(scrape, "starterhost_worker_resident_bytes{slot=\"0\"}") > 0, scrape);
        Assert.DoesNotContain("pid=", scrape, StringComparison.Ordinal);

        starter.Signal(SignalNames.Hup);
        int second = starter.WorkerPid(2);
        Assert.Equal($"gen=2 pid={second} key=127.0.0.1:0", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 2));
        starter.WaitForLine($"old worker {first} died, status:0");
        scrape = MetricsClient.Scrape(metrics);
        Assert.Equal(2, MetricsClient.Sample(scrape, "starterhost_generation"));
        Assert.True(MetricsClient.Sample(scrape, "starterhost_restarts_total") >= 1, scrape);
        Assert.Equal(1, MetricsClient.Sample(scrape, "starterhost_workers{state=\"serving\"}"));
        Assert.Equal(0, MetricsClient.Sample(scrape, "starterhost_workers{state=\"draining\"}"));
        Assert.Equal(1, MetricsClient.Sample(scrape, "starterhost_worker_exits_total{reason=\"exited\"}"));
        Assert.Equal(1, MetricsClient.Sample(scrape, "starterhost_handover_seconds_count"));
        Assert.Equal(1, MetricsClient.Sample(scrape, "starterhost_drain_seconds_count"));
        // Anything but /metrics is not found, and the endpoint goes on serving.
        Assert.Equal(404, MetricsClient.Get(metrics, "/").Status);
        Assert.Equal(200, MetricsClient.Get(metrics).Status);
    }

    [PromtoolFact]
    public void PromtoolFindsNothingToSayOfARealScrape()
    {
        using var starter = StartMetered(out var metrics);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        Promtool.AssertCleanMetrics(MetricsClient.Get(metrics).Body);
    }

    [Fact]
    public void TheMetricsSocketIsNeverAWorkers()
    {
        using var starter = StartMetered(out var metrics);
        int worker = starter.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*pid={worker}");
        string inode = ListeningSocketInode(metrics.Port);
        var workerSockets = Directory.GetFiles($"/proc/{worker}/fd").Select(fd => new FileInfo(fd).LinkTarget).ToList();
        Assert.Contains("socket:[", string.Join(' ', workerSockets), StringComparison.Ordinal);
        Assert.DoesNotContain($"socket:[{inode}]", workerSockets);
    }

    [Fact]
    public void AUnixSocketServesTheSameAndItsFileIsRemovedAtTheEnd()
    {
        string path = _dir.File("metrics.sock");
        using var starter = Start($"--metrics=unix:{path}");
        starter.WaitForLine($@"serving metrics on unix:{System.Text.RegularExpressions.Regex.Escape(path)} \(GET /metrics\)");
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        var (status, body) = MetricsClient.Get(new UnixDomainSocketEndPoint(path));
        Assert.Equal(200, status);
        Assert.Equal(1, MetricsClient.Sample(Encoding.UTF8.GetString(body), "starterhost_generation"));

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.False(File.Exists(path), "the metrics socket's file is left behind");
    }

    [Fact]
    public void TheAcceptQueueOfAWorkerThatDoesNotAcceptFillsAndEmptiesOnceItAcceptsAgain()
    {
        using var starter = StartMetered(out var metrics);
        int port = starter.BoundPort("127.0.0.1:0");
        int worker = starter.WorkerPid(1);
        _worker.Events.WaitFor($"ready .*pid={worker}");
        _worker.Pause();
        _worker.Events.WaitFor($"paused gen=1 pid={worker}");
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                client.Connect(IPAddress.Loopback, port);
            }
            const string queue = "starterhost_listen_queue_length{listener=\"127.0.0.1:0\"}";
            Assert.True(Read(metrics, queue) >= 15, MetricsClient.Scrape(metrics));

            _worker.Pause(false);
            Eventually.True(() => Read(metrics, queue) == 0, "the accept queue to empty once the worker accepts");
            // Each waiting client got its answer.
            var buffer = new byte[100];
            Assert.StartsWith("gen=1", Encoding.ASCII.GetString(buffer, 0, clients[^1].Receive(buffer)), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    [Fact]
    public void WithNobodyScrapingTheEndpointWakesNothingAndAddsNoThread()
    {
        using var metered = StartMetered(out _);
        using var otherDirectory = new TempDirectory();
        var otherWorker = new TestWorker(otherDirectory);
        using var plain = StarterProcess.Start(["--port=127.0.0.1:0", "--interval=1", .. otherWorker.Command], otherWorker.Environment);
        foreach (var starter in new[] { metered, plain })
            starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        foreach (var starter in new[] { metered, plain })
            IdleThreads.WaitQuiet(starter.Pid);

        var before = IdleThreads.Switches(metered.Pid);
        var names = IdleThreads.NamesById(metered.Pid);
        Thread.Sleep(TimeSpan.FromSeconds(5)); // the figure measured: nothing may happen in these 5 s
        var after = IdleThreads.Switches(metered.Pid);
        // The event loop is the main thread: it serves the endpoint and it must not have woken. The runtime's own
        // threads (its finalizer, say) are the same with or without --metrics; what they did is said, not judged.
        Assert.True(after[metered.Pid] == before[metered.Pid],
            string.Join(", ", names.Select(n => $"{n.Value} ({n.Key}): {before.GetValueOrDefault(n.Key)} -> {(after.TryGetValue(n.Key, out long a) ? a : -1)}")));
        var extra = IdleThreads.Names(metered.Pid).ToList();
        foreach (string name in IdleThreads.Names(plain.Pid))
            extra.Remove(name);
        Assert.Empty(extra);
    }

    [PrometheusFact]
    public void PrometheusReadsTheGenerationBeforeAndAfterAHangup()
    {
        using var starter = StartMetered(out var metrics);
        int port = starter.BoundPort("127.0.0.1:0");
        using var prometheus = new PrometheusServer(metrics.ToString());
        prometheus.WaitFor("starterhost_generation", 1);
        prometheus.WaitFor("starterhost_workers{state=\"serving\"}", 1);

        starter.Signal(SignalNames.Hup);
        WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 2);
        prometheus.WaitFor("starterhost_generation", 2);
        prometheus.WaitFor("starterhost_restarts_total", 1);
        prometheus.WaitFor("up{job=\"starterhost\"}", 1);
    }

    /// <summary>The inode of the TCP socket listening on <paramref name="port"/>, from /proc/net/tcp.</summary>
    private static string ListeningSocketInode(int port)
    {
        string local = $":{port:X4} ";
        var line = File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .First(f => (f[1] + " ").EndsWith(local, StringComparison.Ordinal) && f[3] == "0A");
        return line[9];
    }
}
