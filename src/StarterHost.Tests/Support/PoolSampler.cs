using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace StarterHost.Tests.Support;

/// <summary>
/// Samples /proc while a pool of Workers/pool-worker.pl hands over: how many of StarterHost's children
/// say "serving" in their process title, sample after sample, on a thread of its own until stopped.
/// </summary>
internal sealed partial class PoolSampler : IDisposable
{
    private readonly int _starterPid;
    private readonly Thread _thread;
    private readonly ConcurrentDictionary<int, int> _generationOf = new();
    private volatile bool _stop;

    [GeneratedRegex(@"^pool-worker: (\w+) gen=(\d+) slot=(\d+)")]
    private static partial Regex Title();

    public PoolSampler(int starterPid)
    {
        _starterPid = starterPid;
        _thread = new Thread(Run) { IsBackground = true, Name = "pool sampler" };
        _thread.Start();
    }

    /// <summary>Each sample: the generations of the children serving at that moment.</summary>
    public List<int[]> Samples { get; } = [];

    private void Run()
    {
        while (!_stop)
        {
            var sample = Sample();
            lock (Samples)
                Samples.Add(sample);
            Thread.Sleep(2);
        }
    }

    /// <summary>
    /// Reading N titles is not one atomic look. Older generations are read first: a new worker is serving
    /// before StarterHost signals the old one it replaces, so read in that order a handover can only be
    /// over-counted for a moment, never under-counted.
    /// </summary>
    private int[] Sample()
    {
        var children = StarterProcess.ChildrenOf(_starterPid).ToList();
        foreach (int pid in children.Where(pid => !_generationOf.ContainsKey(pid)))
        {
            if (Read(pid) is { } title)
                _generationOf[pid] = int.Parse(title.Groups[2].Value);
        }
        return [.. children.Where(_generationOf.ContainsKey).OrderBy(pid => _generationOf[pid])
            .Select(pid => Read(pid) is { } title && title.Groups[1].Value == "serving" ? _generationOf[pid] : 0)
            .Where(generation => generation > 0)];
    }

    private static Match? Read(int pid)
    {
        try
        {
            var match = Title().Match(File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '));
            return match.Success ? match : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Stop()
    {
        _stop = true;
        _thread.Join(StarterProcess.DefaultTimeout);
    }

    public void Dispose() => Stop();
}
