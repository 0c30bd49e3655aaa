using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace StarterHost.Configuration;

/// <summary>
/// Refuses to guess: every key under "Starter", from every source, must be the key of an option declared in
/// <see cref="StarterOptions"/>, with a value of its type. The binder alone would skip a misspelled key
/// ("Prot"), a misspelled section ("Startr") and a section given a plain value (<c>"Starter": 5</c>) without
/// a word, and leave the default in place. The log levels under "Logging" are checked too, so that a bad one
/// is named with its key and source.
/// </summary>
internal static class SettingsCheck
{
    private const string Section = StarterOptions.SectionName;

    private static readonly Dictionary<string, Option> Settings =
        StarterOptions.Declared.Where(o => o.Key is not null).ToDictionary(o => o.Key!, StringComparer.OrdinalIgnoreCase);

    /// <summary>The sections StarterHost reads; a file or the command line that gives one a plain value is wrong.</summary>
    private static readonly string[] Sections = [Section, LoggingSection];

    private const string LoggingSection = "Logging";
    private const string LogLevel = "LogLevel";

    /// <exception cref="StartupException">Names each bad key, its source and what was expected, in one line.</exception>
    public static void Run(IConfigurationRoot configuration)
    {
        var problems = new List<string>();
        foreach (var provider in configuration.Providers)
        {
            // A section "Startr" is a typo in a file or on the command line; the environment holds anything.
            if (provider is not EnvironmentVariablesConfigurationProvider)
            {
                foreach (string top in ChildKeys(provider, null))
                {
                    if (Sections.FirstOrDefault(s => !top.Equals(s, StringComparison.OrdinalIgnoreCase) && NearestKey.Distance(top, s) <= 2) is { } meant
                        && !Sections.Contains(top, StringComparer.OrdinalIgnoreCase))
                        problems.Add($"unknown section {top} (in {ConfigurationSourceName.Of(provider, top)}); did you mean {meant}?");
                }
                // {"Starter": 5} would bind nothing and leave every default in place, without a word.
                foreach (string section in Sections)
                {
                    if (provider.TryGet(section, out string? value) && !string.IsNullOrEmpty(value))
                        problems.Add($"{section}={value} (in {ConfigurationSourceName.Of(provider, section)}): expected a section, not a value");
                }
            }
            LogLevels(provider, problems);
            foreach (string name in ChildKeys(provider, Section))
            {
                string key = $"{Section}:{name}";
                if (!Settings.TryGetValue(name, out var option))
                    problems.Add($"unknown setting {key} (in {ConfigurationSourceName.Of(provider, key)}); did you mean {Section}:{NearestKey.Find(name, Settings.Keys)}?");
                else if (option.Mismatch(provider, key) is { } problem)
                    problems.Add(problem);
            }
        }
        if (problems.Count > 0)
            throw new StartupException(string.Join("; ", problems.Distinct()));
    }

    /// <summary>
    /// Logging:LogLevel:CATEGORY and Logging:PROVIDER:LogLevel:CATEGORY, parsed as the logging configuration parses
    /// them (a name of <see cref="Microsoft.Extensions.Logging.LogLevel"/>, any case), which would otherwise say
    /// "Configuration value 'Nope' is not supported" without naming the key.
    /// </summary>
    private static void LogLevels(IConfigurationProvider provider, List<string> problems)
    {
        string[] levelSections =
        [
            $"{LoggingSection}:{LogLevel}",
            .. ChildKeys(provider, LoggingSection).Where(p => !p.Equals(LogLevel, StringComparison.OrdinalIgnoreCase)).Select(p => $"{LoggingSection}:{p}:{LogLevel}"),
        ];
        foreach (string levels in levelSections)
        {
            foreach (string category in ChildKeys(provider, levels))
            {
                string key = $"{levels}:{category}";
                if (provider.TryGet(key, out string? value) && value is not null && !Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(value, ignoreCase: true, out _))
                    problems.Add($"{key}={value} (in {ConfigurationSourceName.Of(provider, key)}): expected {LevelNames}");
            }
        }
    }

    private static readonly string LevelNames = string.Join(", ", Enum.GetNames<Microsoft.Extensions.Logging.LogLevel>()[..^1])
        + " or " + Enum.GetNames<Microsoft.Extensions.Logging.LogLevel>()[^1];

    private static List<string> ChildKeys(IConfigurationProvider provider, string? parent) => Option.ChildKeys(provider, parent);
}
