using System.Globalization;
using Microsoft.Extensions.Configuration;
using StarterHost.Cli;

namespace StarterHost.Configuration;

/// <summary>
/// A list of strings: repeated on the command line, where the values given replace the configured list whole; in
/// configuration indexed keys (<c>Starter:Port:0</c>, a JSON array) or one plain value, which wins over them.
/// </summary>
internal sealed class ListOption(string? name, string key, Action<StarterOptions, List<string>> set) : Option(name, key)
{
    private static readonly char[] Separators = [',', ';'];

    /// <summary>
    /// A plain value is a list, split at ',' and ';' ("127.0.0.1:8080, [::1]:8080", which cannot occur in a key of
    /// SERVER_STARTER_PORT), as an operator would write <c>--Starter:Port=…</c>; otherwise it is the list's one item.
    /// </summary>
    public bool SplitsPlainValue { get; init; }

    public override void ApplyArguments(StarterOptions options, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
            set(options, [.. values]);
    }

    public override void Bind(IConfigurationSection section, StarterOptions options)
    {
        var list = section.GetSection(Key!);
        // The binder alone fills a list from indexed keys only, and ignores a plain value without a word.
        if (list.Value is { Length: > 0 } plain)
            set(options, SplitsPlainValue ? [.. plain.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [plain]);
        else if (list.GetChildren().Select(c => c.Value).OfType<string>().ToList() is { Count: > 0 } items)
            set(options, items);
    }

    /// <summary>One plain value (see <see cref="Bind"/>) or items 0, 1, ..., each a plain value.</summary>
    public override string? Mismatch(IConfigurationProvider provider, string key)
    {
        foreach (string child in ChildKeys(provider, key))
        {
            if (!int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out _) || ChildKeys(provider, $"{key}:{child}").Count > 0)
                return $"{key}:{child} ({In(provider, $"{key}:{child}")}): expected a list of strings";
        }
        return null;
    }
}

/// <summary>An option of the command line alone, with no key: a mode (--restart, --help…), or --config.</summary>
internal sealed class CommandLineOption(string name, CliMode? mode) : Option(name, null)
{
    /// <summary>What StarterHost does when given this option; null for --config, which takes a file.</summary>
    public CliMode? Mode => mode;

    public override bool TakesValue => mode is null;
}
