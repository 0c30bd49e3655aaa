using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using StarterHost.Signals;
using StarterHost.Tests.Support;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>
/// What an upgrade in place carries besides the machine's state, on a real StarterHost upgraded by rename and
/// <c>--upgrade</c>: the times --status-json shows (a worker keeps its age), and the --metrics socket, handed over
/// like the workers' listeners, so that a scraper is never refused and the counters go on.
/// </summary>
public sealed class UpgradeCarryTests(ITestOutputHelper output) : IDisposable
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

    private StarterProcess Start(params string[] options) =>
        StarterProcess.StartProgram(_copy.Executable, ["--port=127.0.0.1:0", $"--pid-file={PidFile}", "--interval=0.2", .. options, .. PoolWorker]);

    private void Upgrade(StarterProcess starter, int nth)
    {
        _copy.RenameOver();
        var (code, said) = StarterProcess.Run(["--upgrade", $"--pid-file={PidFile}", "--timeout=25"]);
        output.WriteLine($"upgrade {nth}: {said.Trim()}");
        Assert.True(code == 0, said);
        starter.WaitForLines("upgraded in place to", nth);
    }

    /// <summary>Generation 1 replaced by generation 2 through a HUP, its worker reaped: a restart, an exit and a drain to count.</summary>
    private static int Restarted(StarterProcess starter)
    {
        int first = starter.WorkerPid(1);
        starter.WaitForLine("generation 1 \\(pid \\d+\\) is serving");
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine($"old worker {first} died");
        starter.WaitForLine("generation 2 \\(pid \\d+\\) is serving");
        return starter.WorkerPid(2);
    }

    [Fact]
    public void AWorkerShowsTheSameTimesInTheStatusJsonBeforeAndAfterAnUpgrade()
    {
        string json = _dir.File("status.json");
        using var starter = Start($"--status-json={json}");
        int worker = Restarted(starter);
        JsonElement Report() => JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        JsonElement Worker() => Report().GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == worker);
        Eventually.True(() => Report().GetProperty("processes").GetArrayLength() == 1 && Worker().GetProperty("state").GetString() == "serving",
            $"worker {worker} alone and serving in the status JSON");
        var before = Worker();
        output.WriteLine($"before: {before}");

        Upgrade(starter, 1);
        Eventually.True(() => Report().GetProperty("starterhost").GetProperty("upgrades").GetInt32() == 1, "upgrades: 1 in the status JSON");
        var after = Worker();
        output.WriteLine($"after: {after}");
        // started_at, ready_at and the slot's last exit, to the tick: the worker is as old as it was.
        Assert.Equal(before.GetProperty("started_at").GetDateTime(), after.GetProperty("started_at").GetDateTime());
        Assert.Equal(before.GetProperty("ready_at").GetDateTime(), after.GetProperty("ready_at").GetDateTime());
        Assert.Equal(before.GetProperty("last_exit").ToString(), after.GetProperty("last_exit").ToString());
        Assert.Equal(1, Report().GetProperty("restarts").GetInt32());
    }

    [Fact]
    public void AScraperHammeringTheMetricsAcrossUpgradesIsNeverRefusedAndTheCountersGoOn()
    {
        const int upgrades = 3;
        using var starter = Start("--metrics=127.0.0.1:0");
        var metrics = MetricsClient.EndPointOf(starter);
        Restarted(starter);
        string Series(string scrape) => string.Join("\n", new[]
        {
            "starterhost_restarts_total", "starterhost_failed_starts_total", "starterhost_worker_exits_total{reason=\"exited\"}",
            "starterhost_drain_seconds_count", "starterhost_handover_seconds_count",
        }.Select(s => $"{s} {MetricsClient.Sample(scrape, s)}"));
        string counted = Series(MetricsClient.Scrape(metrics));
        output.WriteLine(counted);
        Assert.Contains("starterhost_restarts_total 1", counted);
        Assert.Contains("starterhost_drain_seconds_count 1", counted);

        using var scraper = new Scraper(metrics);
        for (int nth = 1; nth <= upgrades; nth++)
        {
            int scraped = scraper.Scrapes;
            Upgrade(starter, nth);
            int expected = nth;
            Eventually.True(() => scraper.LastUpgrades == expected && scraper.Scrapes > scraped + 10, $"scrapes after upgrade {nth}");
        }
        scraper.Stop();
        output.WriteLine($"{scraper.Scrapes} scrapes, {scraper.Refused} refused, {scraper.Failures.Count} failed, {scraper.Stalled.Count} after the scraper stalled");
        output.WriteLine(string.Join("\n", scraper.Failures.Concat(scraper.Stalled)));
        Assert.Equal(0, scraper.Refused);
        Assert.Empty(scraper.Failures);
        // The counter never went back, and the others are where they were.
        int[] seen = [.. scraper.UpgradesSeen];
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second >= p.First), "starterhost_upgrades_total went back");
        Assert.Equal([.. Enumerable.Range(0, upgrades + 1)], seen.Distinct().ToArray());
        Assert.Equal(counted, Series(MetricsClient.Scrape(metrics)));
    }

    /// <summary>Scrapes as fast as it can on a thread of its own, and counts what was refused and what failed otherwise.</summary>
    private sealed class Scraper : IDisposable
    {
        private readonly IPEndPoint _endpoint;
        private readonly Thread _thread;
        private volatile bool _stopping;
        private int _scrapes;
        private int _refused;
        private int _lastUpgrades = -1;

        public Scraper(IPEndPoint endpoint)
        {
            _endpoint = endpoint;
            _thread = new Thread(Run) { IsBackground = true, Name = "scraper" };
            _thread.Start();
        }

        public int Scrapes => Volatile.Read(ref _scrapes);

        public int Refused => Volatile.Read(ref _refused);

        /// <summary>Half the endpoint's deadline for a request: a client slower than this (a loaded machine) may have met it.</summary>
        private static readonly TimeSpan Slow = StarterHost.Metrics.ScrapeLimits.Default.RequestDeadline / 2;

        public ConcurrentQueue<string> Failures { get; } = new();

        /// <summary>Scrapes that failed after this client stalled between its connect and its request.</summary>
        public ConcurrentQueue<string> Stalled { get; } = new();

        /// <summary>starterhost_upgrades_total in each scrape, in order.</summary>
        public ConcurrentQueue<int> UpgradesSeen { get; } = new();

        public int LastUpgrades => Volatile.Read(ref _lastUpgrades);

        private void Run()
        {
            while (!_stopping)
            {
                var sending = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                    {
                        ReceiveTimeout = (int)StarterProcess.DefaultTimeout.TotalMilliseconds,
                    };
                    socket.Connect(_endpoint);
                    sending.Restart();
                    socket.Send("GET /metrics HTTP/1.1\r\nHost: starterhost\r\n\r\n"u8);
                    sending.Stop();
                    using var answer = new MemoryStream();
                    var buffer = new byte[16384];
                    int read;
                    while ((read = socket.Receive(buffer)) > 0)
                        answer.Write(buffer, 0, read);
                    string text = Encoding.UTF8.GetString(answer.ToArray());
                    if (!text.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
                        throw new InvalidDataException($"not a 200: {text[..Math.Min(text.Length, 40)]}");
                    int upgrades = (int)(MetricsClient.Sample(text, "starterhost_upgrades_total")
                        ?? throw new InvalidDataException("no starterhost_upgrades_total"));
                    UpgradesSeen.Enqueue(upgrades);
                    Volatile.Write(ref _lastUpgrades, upgrades);
                    Interlocked.Increment(ref _scrapes);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    Interlocked.Increment(ref _refused);
                }
                catch (Exception e) when (sending.Elapsed > Slow)
                {
                    // This client took longer to send its request than the endpoint waits for one (ScrapeLimits): closed by design.
                    Stalled.Enqueue($"{DateTime.UtcNow:HH:mm:ss.ffffff} after {Scrapes} scrapes, {sending.Elapsed.TotalMilliseconds:0} ms to send: {e.Message}");
                }
                catch (Exception e)
                {
                    Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.ffffff} after {Scrapes} scrapes: {e.Message}");
                }
            }
        }

        public void Stop()
        {
            _stopping = true;
            Assert.True(_thread.Join(StarterProcess.DefaultTimeout), "the scraper did not stop");
        }

        public void Dispose() => Stop();
    }
}
