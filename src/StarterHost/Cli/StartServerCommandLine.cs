using System.Globalization;
using StarterHost.Configuration;
using StarterHost.Generations;

namespace StarterHost.Cli;

internal enum CliMode
{
    Serve,
    Restart,
    Reload,
    Stop,
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
    private static readonly string[] ValueOptions =
    [
        "port", "path", "interval", "log-file", "pid-file", "dir", "signal-on-hup", "signal-on-term",
        "backlog", "envdir", "auto-restart-interval", "kill-old-delay", "status-file", "timeout",
        "drain-timeout", "readiness", "start-timeout", "backoff-max", "max-start-failures",
        "workers", "handover", "max-worker-lifetime", "max-worker-rss", "config",
        "listen-fdnames", "path-mode", "path-owner", "user", "group", "check-command", "check-timeout",
        "status-json",
    ];

    private static readonly string[] FlagOptions =
        ["enable-auto-restart", "daemonize", "restart", "reload", "stop", "status", "help", "version", "signal-group", "no-death-signal", "listen-fds"];

    /// <summary>start_server's own options (Server::Starter 0.35).</summary>
    private static readonly string[] StartServerOptions =
    [
        "port", "path", "interval", "log-file", "pid-file", "dir", "signal-on-hup", "signal-on-term", "backlog", "envdir",
        "enable-auto-restart", "auto-restart-interval", "kill-old-delay", "status-file", "restart", "stop", "daemonize", "help", "version",
    ];

    /// <summary>Every option's name, as --help must list them.</summary>
    internal static IEnumerable<string> OptionNames => ValueOptions.Concat(FlagOptions);

    private readonly List<(string Name, string? Value)> _given = [];

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

            string option = Resolve(name);
            // Server::Starter: "--status=FILE" abbreviated --status-file before --status was a mode, and still does.
            if (option == "status" && inline is not null)
                option = "status-file";
            if (FlagOptions.Contains(option))
            {
                if (inline is not null)
                    throw new UsageException($"Option {option} does not take an argument");
                result.Take(option, null);
                continue;
            }
            string? value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (value is null)
                throw new UsageException($"Option {option} requires an argument");
            result.Take(option, value);
        }
        return result;
    }

    private void Take(string option, string? value)
    {
        switch (option)
        {
            case "help":
                Mode = CliMode.Help;
                return;
            case "version" when Mode != CliMode.Help:
                Mode = CliMode.Version;
                return;
            case "restart" when Mode is CliMode.Serve:
                Mode = CliMode.Restart;
                return;
            case "reload" when Mode is CliMode.Serve:
                Mode = CliMode.Reload;
                return;
            case "stop" when Mode is CliMode.Serve:
                Mode = CliMode.Stop;
                return;
            case "status" when Mode is CliMode.Serve:
                Mode = CliMode.Status;
                return;
            case "config":
                ConfigFiles.Add(value!);
                return;
            case "interval" or "backlog" or "auto-restart-interval" or "kill-old-delay" or "timeout" or "drain-timeout"
                or "start-timeout" or "backoff-max" or "max-start-failures" or "check-timeout":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
                    throw new UsageException($"Value \"{value}\" invalid for option {option} (number expected)");
                break;
            case "readiness":
                ReadinessNamed(value!);
                break;
            case "workers" or "max-worker-lifetime" or "max-worker-rss":
                PoolNumber(option, value!);
                break;
            case "handover":
                HandoverNamed(value!);
                break;
        }
        _given.Add((option, value));
    }

    /// <summary>Server::Starter: an exact name, or else a prefix of exactly one option (any case).</summary>
    private static string Resolve(string name)
    {
        string lower = name.ToLowerInvariant();
        var all = OptionNames.ToArray();
        if (all.Contains(lower))
            return lower;
        var matches = all.Where(o => o.StartsWith(lower, StringComparison.Ordinal)).ToArray();
        // Server::Starter: an abbreviation that was unique among its options keeps its meaning, though newer
        // options share the prefix ("--pat" is --path, not --path-mode; "--l" is --log-file, not --listen-fds).
        if (matches.Length > 1 && matches.Where(StartServerOptions.Contains).ToArray() is [var original])
            return original;
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new UsageException($"Unknown option: {name}{DidYouMean(lower, all)}"),
            _ => throw new UsageException($"Option {name} is ambiguous ({string.Join(", ", matches)})"),
        };
    }

    /// <summary>"; did you mean --port?" for a typo of an option (at most two edits away), as config keys get one (NearestKey).</summary>
    private static string DidYouMean(string given, string[] options)
    {
        string nearest = NearestKey.Find(given, options);
        return NearestKey.Distance(given, nearest) <= MaxTypoDistance ? $"; did you mean --{nearest}?" : "";
    }

    private const int MaxTypoDistance = 2;

    /// <summary>
    /// Lays the command line over the options bound from configuration: it wins over every other
    /// source, and a list given here (ports, paths, the command) replaces the configured one whole.
    /// </summary>
    public void ApplyTo(StarterOptions options)
    {
        var ports = _given.Where(g => g.Name == "port").Select(g => g.Value!).ToList();
        var paths = _given.Where(g => g.Name == "path").Select(g => g.Value!).ToList();
        if (ports.Count > 0)
            options.Port = ports;
        if (paths.Count > 0)
            options.Path = paths;
        if (Command.Count > 0)
            options.Command = [.. Command];
        foreach (var (name, value) in _given)
        {
            switch (name)
            {
                case "interval": options.Interval = Number(value); break;
                case "log-file": options.LogFile = value; break;
                case "pid-file": options.PidFile = value; break;
                case "dir": options.Dir = value; break;
                case "signal-on-hup": options.SignalOnHup = value!; break;
                case "signal-on-term": options.SignalOnTerm = value!; break;
                case "backlog":
                    // Server::Starter: backlog ||= SOMAXCONN, so 0 means the default.
                    double backlog = Number(value);
                    options.Backlog = backlog == 0 ? options.Backlog : ToInt(name, value!, backlog);
                    break;
                case "envdir": options.EnvDir = value; break;
                case "enable-auto-restart": options.EnableAutoRestart = true; break;
                case "auto-restart-interval": options.AutoRestartInterval = Number(value); break;
                case "kill-old-delay": options.KillOldDelay = Number(value); break;
                case "status-file": options.StatusFile = value; break;
                case "status-json": options.StatusJson = value; break;
                case "daemonize": options.Daemonize = true; break;
                case "timeout": options.Timeout = Number(value); break;
                case "drain-timeout": options.DrainTimeout = Number(value); break;
                case "readiness": options.Readiness = ReadinessNamed(value!); break;
                case "start-timeout": options.StartTimeout = Number(value); break;
                case "backoff-max": options.BackoffMax = Number(value); break;
                case "max-start-failures": options.MaxStartFailures = ToInt(name, value!, Number(value)); break;
                case "signal-group": options.SignalGroup = true; break;
                case "no-death-signal": options.DeathSignal = false; break;
                case "workers": options.Workers = ToInt(name, value!, PoolNumber(name, value!)); break;
                case "handover": options.Handover = HandoverNamed(value!); break;
                case "max-worker-lifetime": options.MaxWorkerLifetime = PoolNumber(name, value!); break;
                case "max-worker-rss": options.MaxWorkerRss = ToInt(name, value!, PoolNumber(name, value!)); break;
                case "listen-fds": options.ListenFds = true; break;
                case "listen-fdnames": options.ListenFdNames = value; break;
                case "path-mode": options.PathMode = value; break;
                case "path-owner": options.PathOwner = value; break;
                case "user": options.User = value; break;
                case "group": options.Group = value; break;
                case "check-command": options.CheckCommand = value; break;
                case "check-timeout": options.CheckTimeout = Number(value); break;
            }
        }
    }

    private static ReadinessMode ReadinessNamed(string value) => value.ToLowerInvariant() switch
    {
        "interval" => ReadinessMode.Interval,
        "notify" => ReadinessMode.Notify,
        _ => throw new UsageException($"Value \"{value}\" invalid for option readiness (interval or notify expected)"),
    };

    private static HandoverMode HandoverNamed(string value) => value.ToLowerInvariant() switch
    {
        "all" => HandoverMode.All,
        "rolling" => HandoverMode.Rolling,
        _ => throw new UsageException($"Value \"{value}\" invalid for option handover (all or rolling expected)"),
    };

    /// <summary>Getopt::Long's "=i" for the counts (workers, MB), "=f" for the lifetime.</summary>
    private static double PoolNumber(string option, string value)
    {
        bool integer = option != "max-worker-lifetime";
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number)
            || (integer && number != Math.Floor(number)))
            throw new UsageException($"Value \"{value}\" invalid for option {option} ({(integer ? "integer" : "number")} expected)");
        return number;
    }

    private static double Number(string? value) => double.Parse(value!, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>
    /// A number for an int option, truncated. One past int's range is refused with the option's declared range
    /// (<see cref="OptionRangeAttribute"/>) as -1 is, not clamped into it.
    /// </summary>
    private static int ToInt(string option, string given, double number)
    {
        if (number >= int.MinValue && number < int.MaxValue + 1.0)
            return (int)number;
        var (setting, range) = OptionRangeAttribute.Of((_, r) => r.Option == option)
            ?? throw new InvalidOperationException($"--{option} declares no range");
        throw new UsageException(range.OutOfRange(setting, given, $"--{option}"));
    }
}

/// <summary>A malformed command line; the message is what start_server's Getopt::Long would print.</summary>
internal sealed class UsageException(string message) : Exception(message);
