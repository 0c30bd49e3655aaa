using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace StarterHost.Configuration;

/// <summary>
/// One option, declared once (gunicorn's config.py is the model): its command-line name, its key in the
/// Starter section, its type, range and --help line, and the start_server environment variable that can give it.
/// The declarations are in <see cref="StarterOptions"/>, each beside the property that holds its value (and its
/// default). The command-line parser, --help, the binding from configuration, the checks of keys and values, and
/// every message that names an option take the name from here; subclasses are the types (<see cref="NumberOption"/>…).
/// </summary>
internal abstract class Option(string? name, string? key)
{
    /// <summary>The command-line name without its dashes ("pid-file"); null for the command, which follows "--".</summary>
    public string? Name => name;

    /// <summary>The key in the Starter section ("PidFile"); null for an option of the command line alone (--config, the modes).</summary>
    public string? Key => key;

    /// <summary>
    /// One of start_server's own options (Server::Starter 0.35): an abbreviation that was unique among them keeps
    /// its meaning though newer options share the prefix.
    /// </summary>
    public bool StartServer { get; init; }

    /// <summary>
    /// Added after StarterHost's own abbreviations were in use: a prefix it shares with an older option still means
    /// the older one ("--u" stays --user, not --upgrade).
    /// </summary>
    public bool AfterAbbreviations { get; init; }

    /// <summary>The environment variable start_server reads in place of the option (ENVDIR…), and sets for the workers.</summary>
    public string? LegacyVariable { get; init; }

    /// <summary>The --help line (and through help2man the man page's); null: not listed.</summary>
    public HelpLine? Help { get; init; }

    /// <summary>README's description (Markdown), when it says more than the --help line.</summary>
    public string? Description { get; init; }

    /// <summary>False for a flag: the command line gives it no value.</summary>
    public virtual bool TakesValue => true;

    /// <summary>"--pid-file", as messages name the option.</summary>
    public string Cli => $"--{name}";

    public override string ToString() => Cli;

    /// <summary>"Starter:PidFile", as messages name the setting.</summary>
    public string Setting => $"{StarterOptions.SectionName}:{key}";

    /// <summary>"Starter:PidFile=/run/app.pid (--pid-file)": a value, named both ways.</summary>
    public string Given(string? value) => $"{Setting}={value} ({this})";

    /// <summary>Refuses, as Getopt::Long would, a value the command line gives that is not of this option's type.</summary>
    /// <exception cref="StarterHost.Cli.UsageException">The value, the option and what it expects.</exception>
    public virtual void CheckArgument(string value)
    {
    }

    /// <summary>Sets what the command line gave, in order: the last value wins, a list replaces the configured one.</summary>
    public virtual void ApplyArguments(StarterOptions options, IReadOnlyList<string> values)
    {
    }

    /// <summary>Sets the value the configuration holds under <see cref="Key"/>, if it holds one.</summary>
    public virtual void Bind(IConfigurationSection section, StarterOptions options)
    {
    }

    /// <summary>
    /// Why what one configuration source holds under <paramref name="key"/> (this option's key, as written there) is
    /// not a value of this option's type, naming the key, the source and what was expected; null when it is.
    /// </summary>
    public virtual string? Mismatch(IConfigurationProvider provider, string key) => null;

    /// <summary>Why the value <paramref name="options"/> hold is outside this option's range; null when it is not.</summary>
    public virtual string? OutOfRange(StarterOptions options) => null;

    /// <summary>How an environment variable's value is written as this option's configuration value; null: as unset.</summary>
    public virtual string? FromLegacyVariable(string value) => value.Length > 0 ? value : null;

    /// <summary>The value the workers see in <see cref="LegacyVariable"/>; null: not set.</summary>
    public virtual string? ToLegacyVariable(StarterOptions options) => null;

    /// <summary>The "(in SOURCE)" of a message: where a configuration key came from.</summary>
    protected static string In(IConfigurationProvider provider, string key) => $"in {ConfigurationSourceName.Of(provider, key)}";

    /// <summary>The keys directly under <paramref name="parent"/> in one source (null: the top level), each once.</summary>
    public static List<string> ChildKeys(IConfigurationProvider provider, string? parent) =>
        provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    protected static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A line of --help: the value's placeholder (null for a flag) and the description, broken into lines where it is to
/// break; --help lays them out in two columns (<see cref="Cli.HelpText"/>).
/// </summary>
internal sealed record HelpLine(string? Value, string Text)
{
    /// <summary>A second way to give the value ("| COMMAND" beside FILE).</summary>
    public string? OtherValue { get; init; }
}

/// <summary>The values an option of a number takes, ends included.</summary>
internal sealed record OptionRange(double Minimum, double Maximum)
{
    public bool Contains(double value) => value >= Minimum && value <= Maximum;

    /// <summary>"Starter:Backlog=-1 (--backlog) is out of range: expected 1 to 2147483647", the value as given.</summary>
    public string Refuse(Option option, string given, string source) =>
        $"{option.Setting}={given} ({source}) is out of range: expected {Minimum.ToString(CultureInfo.InvariantCulture)} to {Maximum.ToString(CultureInfo.InvariantCulture)}";
}
