using StarterHost.Signals;

namespace StarterHost.Tests.Support;

/// <summary>What the clients saw while StarterHost restarted its worker under them.</summary>
internal sealed record LoadReport(IReadOnlyList<HelloAnswer> Answers, IReadOnlyList<string> Failures, IReadOnlyDictionary<int, int> WorkerPids)
{
    /// <summary>The figures and every failure, for the test's output.</summary>
    public void WriteTo(Xunit.Abstractions.ITestOutputHelper output, string title)
    {
        output.WriteLine($"{title}: {this}");
        foreach (string failure in Failures)
            output.WriteLine(failure);
    }

    public override string ToString() =>
        $"{Answers.Count} requests, {Failures.Count} failed; by generation: " +
        string.Join(", ", Answers.GroupBy(a => a.Generation).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"));
}

/// <summary>
/// Restarts a running StarterHost with SIGHUP, one generation after the other, while clients keep
/// opening new connections; each restart counts once the old worker has died and the new one answered.
/// </summary>
internal static class RestartsUnderLoad
{
    public static LoadReport Run(StarterProcess starter, int port, int restarts, int clients = 4)
    {
        var first = HttpProbe.Get(port);
        Assert.Equal(1, first.Generation);
        using var load = new HttpLoad(port, clients);
        load.WaitForGeneration(1);
        for (int generation = 2; generation <= restarts + 1; generation++)
        {
            starter.Signal(SignalNames.Hup);
            // The old generation has exited: from here on the new one alone accepts.
            starter.WaitForLines(@"old worker \d+ died", generation - 1);
            load.WaitForGeneration(generation);
        }
        load.Stop();
        var pids = starter.WaitForLines(@"starting new worker (\d+) \(generation (\d+)\)", restarts + 1)
            .ToDictionary(m => int.Parse(m.Groups[2].Value), m => int.Parse(m.Groups[1].Value));
        return new([first, .. load.Answers], [.. load.Failures], pids);
    }
}
