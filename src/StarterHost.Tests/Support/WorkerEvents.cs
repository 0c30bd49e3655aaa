using System.Text.RegularExpressions;

namespace StarterHost.Tests.Support;

/// <summary>The events file the test worker (Workers/echo-worker.pl) appends to.</summary>
internal sealed class WorkerEvents(string path)
{
    public string Path { get; } = path;

    public string[] Lines => File.Exists(Path) ? File.ReadAllLines(Path) : [];

    /// <summary>Waits for a line matching <paramref name="pattern"/> and returns its match.</summary>
    public Match WaitFor(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern);
        return Eventually.Get(() => Lines.Select(l => regex.Match(l)).FirstOrDefault(m => m.Success), $"worker event /{pattern}/ in {Path}:\n" + string.Join('\n', Lines), timeout);
    }

    public bool Has(string pattern) => Lines.Any(l => Regex.IsMatch(l, pattern));
}
