using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace StarterHost.Configuration;

/// <summary>
/// Refuses to guess: every key under "Starter", from every source, must be a setting of
/// <see cref="StarterOptions"/> with a value of its type. The binder alone would skip a misspelled key
/// ("Prot"), a misspelled section ("Startr") and a section given a plain value (<c>"Starter": 5</c>) without
/// a word, and leave the default in place. The log levels under "Logging" are checked too, so that a bad one
/// is named with its key and source.
/// </summary>
internal static class SettingsCheck
{
    private const string Section = StarterOptions.SectionName;

    // Every public property is a setting: an option added to StarterOptions is known here at once.
    private static readonly Dictionary<string, Type> Settings = typeof(StarterOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .ToDictionary(p => p.Name, p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType, StringComparer.OrdinalIgnoreCase);

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
                if (!Settings.TryGetValue(name, out var type))
                    problems.Add($"unknown setting {key} (in {ConfigurationSourceName.Of(provider, key)}); did you mean {Section}:{NearestKey.Find(name, Settings.Keys)}?");
                else if (Mismatch(provider, key, type) is { } problem)
                    problems.Add(problem);
            }
        }
        if (problems.Count > 0)
            throw new StartupException(string.Join("; ", problems.Distinct()));
    }

    private static string? Mismatch(IConfigurationProvider provider, string key, Type type)
    {
        var children = ChildKeys(provider, key);
        if (type == typeof(List<string>))
        {
            // One plain value (see ScalarLists) or items 0, 1, ... each a plain value.
            foreach (string child in children)
            {
                if (!int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out _) || ChildKeys(provider, $"{key}:{child}").Count > 0)
                    return $"{key}:{child} (in {ConfigurationSourceName.Of(provider, $"{key}:{child}")}): expected a list of strings";
            }
            return null;
        }
        // A setting of another shape (an object, a TimeSpan) is left to the binder, which fails in one line too.
        if (type != typeof(string) && !type.IsPrimitive && !type.IsEnum)
            return null;
        string expected = type == typeof(double) ? "a number"
            : type == typeof(int) ? "a whole number"
            : type == typeof(bool) ? "true or false"
            : type.IsEnum ? string.Join(" or ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))
            : "a string";
        if (children.Count > 0)
            return $"{key} (in {ConfigurationSourceName.Of(provider, key)}) is a list or an object: expected {expected}";
        if (!provider.TryGet(key, out string? value) || value is null)
            return null;
        // A whole number past int's range gets the setting's range, as one below it does from the validator.
        if (type == typeof(int) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            && OptionRangeAttribute.Of((p, _) => $"{Section}:{p.Name}".Equals(key, StringComparison.OrdinalIgnoreCase)) is var (setting, range))
            return range.OutOfRange(setting, value, $"in {ConfigurationSourceName.Of(provider, key)}");
        bool fits = type == typeof(double) ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : type == typeof(bool) ? bool.TryParse(value, out _)
            : type.IsEnum ? Enum.GetNames(type).Contains(value, StringComparer.OrdinalIgnoreCase)
            : true;
        return fits ? null : $"{key}={value} (in {ConfigurationSourceName.Of(provider, key)}): expected {expected}";
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

    private static List<string> ChildKeys(IConfigurationProvider provider, string? parent) =>
        provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
