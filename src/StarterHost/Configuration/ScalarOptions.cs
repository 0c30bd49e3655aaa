using System.Globalization;
using Microsoft.Extensions.Configuration;
using StarterHost.Cli;

namespace StarterHost.Configuration;

/// <summary>An option of one value: read from a configuration string by <see cref="TryParse"/>, set through a delegate (no reflection: NativeAOT).</summary>
internal abstract class ScalarOption<T>(string? name, string key, Action<StarterOptions, T> set) : Option(name, key)
{
    /// <summary>What a configuration value must be: "a number".</summary>
    public abstract string Expected { get; }

    /// <summary>A configuration value (not the command line's, which has Getopt::Long's rules) as this type.</summary>
    public abstract bool TryParse(string value, out T result);

    /// <summary>A command-line value that <see cref="Option.CheckArgument"/> let through.</summary>
    protected virtual T ParseArgument(string value) => TryParse(value, out var result) ? result : throw new UsageException($"Value \"{value}\" invalid for option {Name}");

    public override void ApplyArguments(StarterOptions options, IReadOnlyList<string> values)
    {
        foreach (string value in values)
            set(options, ParseArgument(value));
    }

    protected void Set(StarterOptions options, T value) => set(options, value);

    public override void Bind(IConfigurationSection section, StarterOptions options)
    {
        if (section[Key!] is not { } value)
            return;
        // SettingsCheck has refused whatever does not parse, in every source.
        set(options, TryParse(value, out var result) ? result : throw new StartupException($"{Setting}={value}: expected {Expected}"));
    }

    public override string? Mismatch(IConfigurationProvider provider, string key)
    {
        if (ChildKeys(provider, key).Count > 0)
            return $"{key} ({In(provider, key)}) is a list or an object: expected {Expected}";
        if (!provider.TryGet(key, out string? value) || value is null)
            return null;
        return Refuse(provider, key, value);
    }

    protected virtual string? Refuse(IConfigurationProvider provider, string key, string value) =>
        TryParse(value, out _) ? null : $"{key}={value} ({In(provider, key)}): expected {Expected}";
}

/// <summary>A string, taken as given.</summary>
internal sealed class TextOption(string name, string key, Func<StarterOptions, string?> get, Action<StarterOptions, string> set)
    : ScalarOption<string>(name, key, set)
{
    public override string Expected => "a string";

    public override bool TryParse(string value, out string result)
    {
        result = value;
        return true;
    }

    public override string? ToLegacyVariable(StarterOptions options) => get(options);
}

/// <summary>Seconds and the like: Getopt::Long's "=f" on the command line, a double in configuration.</summary>
internal sealed class NumberOption(string name, string key, Func<StarterOptions, double?> get, Action<StarterOptions, double> set, OptionRange range)
    : ScalarOption<double>(name, key, set)
{
    public OptionRange Range => range;

    public override string Expected => "a number";

    public override bool TryParse(string value, out double result) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out result);

    public override void CheckArgument(string value)
    {
        if (!TryParse(value, out double number) || !double.IsFinite(number))
            throw new UsageException($"Value \"{value}\" invalid for option {Name} (number expected)");
    }

    public override string? OutOfRange(StarterOptions options) =>
        get(options) is { } value && !range.Contains(value) ? range.Refuse(this, Format(value), ToString()) : null;

    public override string? ToLegacyVariable(StarterOptions options) => get(options) is { } value ? Format(value) : null;
}

/// <summary>
/// A count: an int in configuration; on the command line Getopt::Long's "=i" (<see cref="WholeOnCommandLine"/>) or,
/// as start_server's options took it, any number, truncated. Past int's range it is refused with the declared range.
/// </summary>
internal sealed class WholeOption(string name, string key, Func<StarterOptions, int> get, Action<StarterOptions, int> set, OptionRange range)
    : ScalarOption<int>(name, key, set)
{
    public OptionRange Range => range;

    /// <summary>The command line takes a whole number only ("2.5" is refused), not any number truncated.</summary>
    public bool WholeOnCommandLine { get; init; }

    /// <summary>0 on the command line leaves the configured value in place.</summary>
    public bool ZeroKeepsConfigured { get; init; }

    public override string Expected => "a whole number";

    public override bool TryParse(string value, out int result) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result);

    public override void CheckArgument(string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number)
            || (WholeOnCommandLine && number != Math.Floor(number)))
            throw new UsageException($"Value \"{value}\" invalid for option {Name} ({(WholeOnCommandLine ? "integer" : "number")} expected)");
    }

    public override void ApplyArguments(StarterOptions options, IReadOnlyList<string> values)
    {
        foreach (string value in values)
        {
            double number = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (number == 0 && ZeroKeepsConfigured)
                continue;
            // One past int's range is refused with the declared range, as -1 is, not clamped into it.
            if (!(number >= int.MinValue && number < int.MaxValue + 1.0))
                throw new UsageException(range.Refuse(this, value, ToString()));
            Set(options, (int)number);
        }
    }

    protected override string? Refuse(IConfigurationProvider provider, string key, string value) =>
        !TryParse(value, out _) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            ? range.Refuse(this, value, In(provider, key))
            : base.Refuse(provider, key, value);

    public override string? OutOfRange(StarterOptions options) =>
        range.Contains(get(options)) ? null : range.Refuse(this, get(options).ToString(CultureInfo.InvariantCulture), ToString());
}

/// <summary>A flag on the command line (<see cref="Negated"/>: --no-some-name sets it false), true or false in configuration.</summary>
internal sealed class SwitchOption(string name, string key, Func<StarterOptions, bool> get, Action<StarterOptions, bool> set)
    : ScalarOption<bool>(name, key, set)
{
    /// <summary>The command-line flag turns the setting off: --no-death-signal is DeathSignal=false.</summary>
    public bool Negated { get; init; }

    public override bool TakesValue => false;

    public override string Expected => "true or false";

    public override bool TryParse(string value, out bool result) => bool.TryParse(value, out result);

    protected override bool ParseArgument(string value) => !Negated;

    /// <summary>Perl's truth, as start_server tests the variable: set and neither "" nor "0".</summary>
    public override string? FromLegacyVariable(string value) => value is "" or "0" ? "false" : "true";

    public override string? ToLegacyVariable(StarterOptions options) => get(options) ? "1" : null;
}

/// <summary>One of an enum's names, any case.</summary>
internal sealed class ChoiceOption<TEnum>(string name, string key, Action<StarterOptions, TEnum> set)
    : ScalarOption<TEnum>(name, key, set)
    where TEnum : struct, Enum
{
    private static readonly string[] Names = Enum.GetNames<TEnum>();

    /// <summary>"interval or notify".</summary>
    public override string Expected => string.Join(" or ", Names.Select(n => n.ToLowerInvariant()));

    public override bool TryParse(string value, out TEnum result)
    {
        result = default;
        return Names.FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase)) is { } found && Enum.TryParse(found, out result);
    }

    public override void CheckArgument(string value)
    {
        if (!TryParse(value, out _))
            throw new UsageException($"Value \"{value}\" invalid for option {Name} ({Expected} expected)");
    }
}
