using StarterHost.Configuration;

namespace StarterHost.Cli;

internal enum CliMode
{
    Serve,
    Restart,
    Reload,
    Stop,
    Upgrade,
    Status,
    Help,
    Version,
}

/// <summary>
/// start_server's command line, parsed as its Getopt::Long does: long options with one or two
/// dashes, "=value" or a separate value, unique prefixes, any case, non-options collected as the
/// worker command and "--" ending the options. Options whose name holds a ':' (--Starter:Port=80)
/// are .NET configuration keys and are handed to the configuration system instead.
/// </summary>
internal sealed class StartServerCommandLine
{
    /// <summary>The options the command line takes, by name.</summary>
    private static readonly Dictionary<string, Option> ByName = StarterOptions.Declared.Where(o => o.Name is not null).ToDictionary(o => o.Name!);

    private readonly List<(Option Option, string Value)> _given = [];

    public CliMode Mode { get; private set; } = CliMode.Serve;

    /// <summary>Arguments for the .NET command-line configuration provider.</summary>
    public List<string> ConfigurationArguments { get; } = [];

    /// <summary>The worker command: the non-option arguments, and everything after "--".</summary>
    public List<string> Command { get; } = [];

    /// <summary>--config: JSON files read after appsettings.json, in this order.</summary>
    public List<string> ConfigFiles { get; } = [];

    /// <exception cref="UsageException">An unknown option, a missing or malformed value.</exception>
    public static StartServerCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new StartServerCommandLine();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                result.Command.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                // Server::Starter: Getopt::Long permutes, so options may follow the command's first word.
                result.Command.Add(arg);
                continue;
            }
            string body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            int equals = body.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? body : body[..equals];
            string? inline = equals < 0 ? null : body[(equals + 1)..];

            if (name.Contains(':', StringComparison.Ordinal))
            {
                result.ConfigurationArguments.Add(arg);
                if (inline is null && i + 1 < args.Count)
                    result.ConfigurationArguments.Add(args[++i]);
                continue;
            }

            var option = Resolve(name);
            // Server::Starter: "--status=FILE" abbreviated --status-file before --status was a mode, and still does.
            if (option == StarterOptions.StatusOption && inline is not null)
                option = StarterOptions.StatusFileOption;
            if (!option.TakesValue)
            {
                if (inline is not null)
                    throw new UsageException($"Option {option.Name} does not take an argument");
                result.Take(option, "");
                continue;
            }
            string? value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (value is null)
                throw new UsageException($"Option {option.Name} requires an argument");
            result.Take(option, value);
        }
        return result;
    }

    private void Take(Option option, string value)
    {
        switch (option)
        {
            case CommandLineOption { Mode: { } mode }:
                // --help wins over --version, which wins over the client modes; of those the first given wins.
                if (Mode is CliMode.Serve || mode is CliMode.Help || (mode is CliMode.Version && Mode is not CliMode.Help))
                    Mode = mode;
                return;
            case CommandLineOption:
                ConfigFiles.Add(value);
                return;
        }
        option.CheckArgument(value);
        _given.Add((option, value));
    }

    /// <summary>Server::Starter: an exact name, or else a prefix of exactly one option (any case).</summary>
    private static Option Resolve(string name)
    {
        string lower = name.ToLowerInvariant();
        if (ByName.TryGetValue(lower, out var exact))
            return exact;
        // Server::Starter: Getopt::Long lists the candidates of an ambiguous abbreviation sorted.
        var matches = ByName.Values.Where(o => o.Name!.StartsWith(lower, StringComparison.Ordinal)).OrderBy(o => o.Name, StringComparer.Ordinal).ToArray();
        // Server::Starter: an abbreviation that was unique among its options keeps its meaning, though newer
        // options share the prefix ("--pat" is --path, not --path-mode; "--l" is --log-file, not --listen-fds).
        if (matches.Length > 1 && matches.Where(o => o.StartServer).ToArray() is [var original])
            return original;
        if (matches.Length > 1 && matches.Where(o => !o.AfterAbbreviations).ToArray() is [var older])
            return older;
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new UsageException($"Unknown option: {name}{DidYouMean(lower)}"),
            _ => throw new UsageException($"Option {name} is ambiguous ({string.Join(", ", matches.Select(o => o.Name))})"),
        };
    }

    /// <summary>"; did you mean --port?" for a typo of an option (at most two edits away), as config keys get one (NearestKey).</summary>
    private static string DidYouMean(string given)
    {
        var nearest = ByName[NearestKey.Find(given, ByName.Keys)];
        return NearestKey.Distance(given, nearest.Name!) <= MaxTypoDistance ? $"; did you mean {nearest}?" : "";
    }

    private const int MaxTypoDistance = 2;

    /// <summary>
    /// Lays the command line over the options bound from configuration: it wins over every other
    /// source, and a list given here (ports, paths, the command) replaces the configured one whole.
    /// </summary>
    /// <exception cref="UsageException">A count past int's range.</exception>
    public void ApplyTo(StarterOptions options)
    {
        if (Command.Count > 0)
            options.Command = [.. Command];
        foreach (var given in _given.GroupBy(g => g.Option, g => g.Value))
            given.Key.ApplyArguments(options, [.. given]);
    }
}

/// <summary>A malformed command line; the message is what start_server's Getopt::Long would print.</summary>
internal sealed class UsageException(string message) : Exception(message);
