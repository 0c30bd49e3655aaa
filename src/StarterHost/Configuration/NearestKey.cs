namespace StarterHost.Configuration;

/// <summary>"Did you mean ...?": the known key fewest edits away, letter case aside.</summary>
internal static class NearestKey
{
    public static string Find(string given, IEnumerable<string> known) =>
        known.OrderBy(k => Distance(given, k)).ThenBy(k => k, StringComparer.Ordinal).First();

    /// <summary>Levenshtein distance, ignoring case: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
