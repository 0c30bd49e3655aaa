using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace StarterHost.Configuration;

/// <summary>
/// Refuses to guess: every key under "Starter", from every source, must be a setting of
/// <see cref="StarterOptions"/> with a value of its type. The binder alone would skip a misspelled key
/// ("Prot") and a misspelled section ("Startr") without a word, and leave the default in place.
/// </summary>
internal static class SettingsCheck
{
    private const string Section = StarterOptions.SectionName;

    // Every public property is a setting: an option added to StarterOptions is known here at once.
    private static readonly Dictionary<string, Type> Settings = typeof(StarterOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .ToDictionary(p => p.Name, p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType, StringComparer.OrdinalIgnoreCase);

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
                    if (!top.Equals(Section, StringComparison.OrdinalIgnoreCase) && NearestKey.Distance(top, Section) <= 2)
                        problems.Add($"unknown section {top} (in {ConfigurationSourceName.Of(provider, top)}); did you mean {Section}?");
                }
            }
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
        bool fits = type == typeof(double) ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : type == typeof(bool) ? bool.TryParse(value, out _)
            : type.IsEnum ? Enum.GetNames(type).Contains(value, StringComparer.OrdinalIgnoreCase)
            : true;
        return fits ? null : $"{key}={value} (in {ConfigurationSourceName.Of(provider, key)}): expected {expected}";
    }

    private static List<string> ChildKeys(IConfigurationProvider provider, string? parent) =>
        provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
