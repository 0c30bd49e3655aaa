using StarterHost.Signals;
using StarterHost.Tests.Support;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>
/// Pools of a real HTTP worker (Workers/pool-worker.pl) replaced under load, each request on a new
/// connection: at a HUP, all at once or rolling, and one by one as they reach --max-worker-lifetime.
/// </summary>
public sealed class PoolRestartTests(ITestOutputHelper output)
{
    private static string[] PoolWorker => ["--", "perl", Path.Combine(AppContext.BaseDirectory, "Workers", "pool-worker.pl")];

    private static StarterProcess Start(IReadOnlyDictionary<string, string?>? environment, params string[] options) =>
        StarterProcess.Start(["--port=127.0.0.1:0", .. options, .. PoolWorker], environment);

    private void Report(string what, HttpLoad load) =>
        new LoadReport([.. load.Answers], [.. load.Failures], new Dictionary<int, int>()).WriteTo(output, what);

    [Fact]
    public void HangupsUnderLoadFailNoRequest()
    {
        using var starter = Start(null, "--workers=3", "--interval=0.5");
        int port = starter.BoundPort("127.0.0.1:0");
        starter.WaitForLine("generation 1 is serving: 3 workers");
        using var load = new HttpLoad(port, clients: 4);
        load.WaitForGeneration(1);
        for (int generation = 2; generation <= 3; generation++)
        {
            starter.Signal(SignalNames.Hup);
            starter.WaitForLine($"generation {generation} is serving: 3 workers");
            // The whole old generation has exited: from here on the new one alone accepts.
            starter.WaitForLines(@"old worker \d+ died", 3 * (generation - 1));
            load.WaitForGeneration(generation);
        }
        load.Stop();
        Report("3 workers, 2 HUPs", load);
        Assert.Empty(load.Failures);
        Assert.Equal([1, 2, 3], load.Answers.Select(a => a.Generation).Distinct().Order().ToArray());
        Assert.Equal(3, HttpProbe.Get(port).Generation);
    }

    [Fact]
    public void ARollingHandoverNeverHasFewerThanTheWorkersServingSampledFromProc()
    {
        // Each new worker takes 0.3 s more than the one before to say READY=1: the handover is spread out.
        var warmUp = new Dictionary<string, string?> { ["WORKER_READY_MS"] = "200", ["WORKER_READY_STEP_MS"] = "300" };
        using var starter = Start(warmUp, "--workers=3", "--handover=rolling", "--readiness=notify", "--start-timeout=60");
        int port = starter.BoundPort("127.0.0.1:0");
        starter.WaitForLine("generation 1 is serving: 3 workers");
        using var load = new HttpLoad(port, clients: 2);
        load.WaitForGeneration(1);

        using var sampler = new PoolSampler(starter.Pid);
        // Started and sampled before the HUP: the first samples show generation 1 whole.
        Eventually.True(() => { lock (sampler.Samples) return sampler.Samples.Count > 10; }, "samples of the pool before the handover");
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine("generation 2 is serving: 3 workers");
        starter.WaitForLines(@"old worker \d+ died", 3);
        sampler.Stop();
        load.Stop();
        Report("3 workers, rolling HUP", load);

        List<int[]> samples;
        lock (sampler.Samples)
            samples = [.. sampler.Samples];
        output.WriteLine($"{samples.Count} samples; fewest serving: {samples.Min(s => s.Length)}, most: {samples.Max(s => s.Length)}");
        Assert.All(samples, sample => Assert.True(sample.Length >= 3, $"only {sample.Length} workers serving: generations {string.Join(',', sample)}"));
        // Rolling: a sample with both generations serving, and old workers signalled before the new generation was whole.
        Assert.Contains(samples, s => s.Contains(1) && s.Contains(2));
        string log = starter.Output;
        Assert.True(log.IndexOf("sending TERM to old workers", StringComparison.Ordinal) < log.IndexOf("generation 2 is serving", StringComparison.Ordinal), log);
        Assert.Empty(load.Failures);
    }

    [Fact]
    public void MaxWorkerLifetimeReplacesWorkersUnderLoadWithNoFailedRequest()
    {
        using var starter = Start(null, "--workers=2", "--interval=0.5", "--max-worker-lifetime=2");
        int port = starter.BoundPort("127.0.0.1:0");
        starter.WaitForLine("generation 1 is serving: 2 workers");
        using var load = new HttpLoad(port, clients: 4);
        load.WaitForGeneration(1);
        // Four recycles, each retired only once its replacement served, and gone.
        var recycled = starter.WaitForLines(@"worker (\d+) \(generation 1, slot \d\) has served --max-worker-lifetime", 4, TimeSpan.FromSeconds(60));
        foreach (var worker in recycled)
            starter.WaitForLine($@"old worker {worker.Groups[1].Value} died");
        load.Stop();
        Report("2 workers, --max-worker-lifetime=2", load);

        Assert.Empty(load.Failures);
        Assert.Equal([1], load.Answers.Select(a => a.Generation).Distinct().ToArray());
        Assert.True(load.Answers.Select(a => a.Pid).Distinct().Count() >= 4, "the load was served by the recycled workers and their replacements");
        string log = starter.Output;
        foreach (var worker in recycled)
        {
            // Its replacement started before it was told to go.
            string pid = worker.Groups[1].Value;
            int told = log.IndexOf($"sending TERM to old workers:{pid}", StringComparison.Ordinal);
            Assert.True(told > log.IndexOf(worker.Value, StringComparison.Ordinal), $"worker {pid} signalled before its lifetime was reached:\n{log}");
        }
    }
}
