using System.Globalization;
using System.Text.RegularExpressions;

namespace StarterHost.Client;

/// <summary>Reads the generations named in a status file, as restart_server does.</summary>
internal static partial class StatusFileReader
{
    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex GenerationPrefix();

    /// <summary>The distinct generations, ascending; null when the file does not exist.</summary>
    public static IReadOnlyList<int>? Generations(string path)
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
        return [.. lines
            .Select(line => GenerationPrefix().Match(line))
            .Where(m => m.Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Distinct()
            .Order()];
    }
}
