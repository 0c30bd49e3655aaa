using System.Collections;

namespace StarterHost.Configuration;

/// <summary>
/// The environment variables start_server honours in place of options (<see cref="Option.LegacyVariable"/>). They sit
/// above appsettings.json and below Starter__* variables and the command line.
/// </summary>
internal static class LegacyEnvironment
{
    private static readonly Option[] Options = [.. StarterOptions.Declared.Where(o => o.LegacyVariable is not null)];

    /// <summary>The variable a key read here came from, to name it in an error.</summary>
    public static string? VariableFor(string key) =>
        Options.FirstOrDefault(o => o.Setting.Equals(key, StringComparison.OrdinalIgnoreCase))?.LegacyVariable;

    public static IEnumerable<KeyValuePair<string, string?>> Read(IDictionary environment)
    {
        foreach (var option in Options)
        {
            if (environment[option.LegacyVariable!] is string value && option.FromLegacyVariable(value) is { } configured)
                yield return new(option.Setting, configured);
        }
    }
}
