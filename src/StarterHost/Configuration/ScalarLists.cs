using Microsoft.Extensions.Configuration;

namespace StarterHost.Configuration;

/// <summary>
/// Lets the list settings take one plain value, so that <c>--Starter:Port=8080</c> and
/// <c>Starter__Port=8080</c> work as an operator would write them; the binder alone only fills a
/// list from indexed keys (<c>Starter:Port:0</c>) and silently ignores a plain value.
/// </summary>
internal static class ScalarLists
{
    private static readonly char[] Separators = [',', ';'];

    /// <summary>
    /// A plain value replaces the list: "8080" or "127.0.0.1:8080, [::1]:8080" for Port and Path
    /// (';' and ',' cannot occur in a key of SERVER_STARTER_PORT), one program path for Command.
    /// </summary>
    public static void Apply(IConfigurationSection section, StarterOptions options)
    {
        if (Plain(section, nameof(StarterOptions.Port)) is { } ports)
            options.Port = Split(ports);
        if (Plain(section, nameof(StarterOptions.Path)) is { } paths)
            options.Path = Split(paths);
        if (Plain(section, nameof(StarterOptions.Command)) is { } command)
            options.Command = [command];
    }

    private static string? Plain(IConfigurationSection section, string key) =>
        section.GetSection(key).Value is { Length: > 0 } value ? value : null;

    private static List<string> Split(string value) =>
        [.. value.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
