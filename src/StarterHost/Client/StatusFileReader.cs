using System.Globalization;
using System.Text.RegularExpressions;

namespace StarterHost.Client;

/// <summary>Reads a status file as restart_server does, and the failure file StarterHost writes beside it.</summary>
internal static partial class StatusFileReader
{
    [GeneratedRegex(@"^(\d+):(\d+)")]
    private static partial Regex Entry();

    [GeneratedRegex(@"^(\d+) (.*)$")]
    private static partial Regex FailureLine();

    /// <summary>The (generation, pid) lines, as written; null when the file does not exist.</summary>
    public static IReadOnlyList<(int Generation, int Pid)>? Entries(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        // A line whose numbers overflow an int is skipped, as one that does not match.
        var entries = new List<(int Generation, int Pid)>();
        foreach (string line in lines)
        {
            if (Entry().Match(line) is { Success: true } m
                && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int generation)
                && int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                entries.Add((generation, pid));
        }
        return entries;
    }

    /// <summary>The distinct generations, ascending; null when the file does not exist.</summary>
    public static IReadOnlyList<int>? Generations(string path) => Entries(path) is { } entries ? Generations(entries) : null;

    /// <summary>The distinct generations of <paramref name="entries"/>, ascending.</summary>
    public static IReadOnlyList<int> Generations(IReadOnlyList<(int Generation, int Pid)> entries) =>
        [.. entries.Select(e => e.Generation).Distinct().Order()];

    /// <summary>The failure file's line: its first generation and why, or null.</summary>
    public static (int Generation, string Reason)? ParseFailure(string text)
    {
        var match = FailureLine().Match(text.TrimEnd('\n'));
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int generation)
            ? (generation, match.Groups[2].Value)
            : null;
    }
}
