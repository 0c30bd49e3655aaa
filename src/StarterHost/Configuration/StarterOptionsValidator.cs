using Microsoft.Extensions.Options;
using StarterHost.Cli;
using StarterHost.Environment;
using StarterHost.Listening;
using StarterHost.Logging;
using StarterHost.Signals;
using StarterHost.Workers;
using static StarterHost.Configuration.StarterOptions;

namespace StarterHost.Configuration;

/// <summary>The range each option declares (<see cref="Option.OutOfRange"/>), in every mode.</summary>
internal sealed class OptionRangeValidator : IValidateOptions<StarterOptions>
{
    public ValidateOptionsResult Validate(string? name, StarterOptions options) =>
        Declared.Select(o => o.OutOfRange(options)).OfType<string>().ToList() is { Count: > 0 } failures
            ? ValidateOptionsResult.Fail(failures)
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Everything else that can be known wrong before a socket is bound or a worker spawned. Each
/// failure is one line naming the setting (configuration key and option) and the bad value.
/// </summary>
/// <param name="path">The PATH a worker command is looked up in when the envdir sets none: StarterHost's own.</param>
internal sealed class StarterOptionsValidator(CliMode mode, ConfigurationRead configurationRead, string? path) : IValidateOptions<StarterOptions>
{
    public ValidateOptionsResult Validate(string? name, StarterOptions options)
    {
        var failures = new List<string>();
        switch (mode)
        {
            case CliMode.Restart or CliMode.Reload:
                if (options.PidFile is null || options.StatusFile is null)
                    failures.Add(Requires(mode is CliMode.Restart ? RestartOption : ReloadOption, PidFileOption, StatusFileOption));
                break;
            case CliMode.Stop or CliMode.Upgrade:
                if (options.PidFile is null)
                    failures.Add(Requires(mode is CliMode.Stop ? StopOption : UpgradeOption, PidFileOption));
                break;
            case CliMode.Status:
                if (options.StatusJson is null)
                    failures.Add(Requires(StatusOption, StatusJsonOption));
                break;
            case CliMode.Serve:
                ValidateServe(options, failures);
                break;
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>"--stop option requires --pid-file to be set as well (Starter:PidFile)", as start_server says it.</summary>
    private static string Requires(Option mode, params Option[] needed) =>
        $"{mode} option requires {string.Join(" and ", needed)} to be set as well ({string.Join(", ", needed.Select(o => o.Setting))})";

    private void ValidateServe(StarterOptions options, List<string> failures)
    {
        if (options.Daemonize && options.LogFile is null)
            failures.Add($"{DaemonizeOption} requires {LogFileOption} ({LogFileOption.Setting}): a detached process has no terminal to write to");
        if (options.LogFile is { } logFile && LogFileRedirect.PipeCommand(logFile) is null && LogFileRedirect.WhyNotWritable(logFile) is { } why)
            failures.Add(why);
        CheckOutputDirectory(options.StatusFile, StatusFileOption, failures);
        CheckOutputDirectory(options.StatusJson, StatusJsonOption, failures);
        CheckStatusJson(options, failures);
        if (options.Metrics is { } metrics)
        {
            try
            {
                Metrics.MetricsAddress.Parse(metrics);
            }
            catch (FormatException e)
            {
                failures.Add($"{MetricsOption.Given(metrics)}: {e.Message}");
            }
        }
        CheckSignal(options.SignalOnHup, SignalOnHupOption, failures);
        CheckSignal(options.SignalOnTerm, SignalOnTermOption, failures);
        CheckSignal(options.WatchdogSignal, WatchdogSignalOption, failures);
        try
        {
            DescriptorPlan.Assign(ListenAddresses(options));
        }
        catch (Exception e) when (e is FormatException or StartupException)
        {
            failures.Add(e.Message);
        }
        if (options.Dir is { } dir && !Directory.Exists(dir))
            failures.Add($"{DirOption.Given(dir)}: no such directory");
        IReadOnlyDictionary<string, string>? envDir = null;
        if (options.EnvDir is { } envDirPath)
        {
            try
            {
                envDir = EnvDirReader.Read(envDirPath).Variables;
            }
            catch (IOException e)
            {
                failures.Add($"{EnvDirOption.Given(envDirPath)}: {e.Message}");
            }
        }
        if (options.Command.Count == 0)
        {
            // A misspelled section or a config file that was not where it was looked for ends up here.
            failures.Add($"server program not specified: give the worker command after \"--\" (or as {CommandOption.Setting}; configuration files read: {configurationRead.Files})");
            return;
        }
        try
        {
            CommandResolver.Resolve(options.Command[0], envDir?.GetValueOrDefault("PATH") ?? path, options.Dir);
        }
        catch (CommandNotExecutableException e)
        {
            // "Command": "python3 app.py" is one program (a list without arguments), whose name has a space.
            failures.Add(options.Command is [var only] && only.Contains(' ', StringComparison.Ordinal)
                ? $"{e.Message}; a command is a list, the program then its arguments: [\"{string.Join("\", \"", only.Split(' ', StringSplitOptions.RemoveEmptyEntries))}\"]"
                : e.Message);
        }
    }

    /// <summary>
    /// A file written whole, through a temporary beside it and a rename (see Status/AtomicFile): its directory must
    /// take new files, or every write would fail while the workers run. The pid file fails at start already.
    /// </summary>
    private static void CheckOutputDirectory(string? file, Option option, List<string> failures)
    {
        if (file is null)
            return;
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)) ?? "/";
        if (Interop.Posix.WhyNoFilesIn(directory) is { } why)
            failures.Add($"{option.Given(file)}: cannot create files in {directory}: {why}");
    }

    /// <summary>Each file would overwrite the other.</summary>
    private static void CheckStatusJson(StarterOptions options, List<string> failures)
    {
        if (options.StatusJson is not { } json)
            return;
        (string Path, string What)[] others =
        [
            (options.StatusFile ?? "", StatusFileOption.Cli),
            (options.StatusFile is { } statusFile ? Status.StatusFileWriter.FailureFileOf(statusFile) : "", "the status file's .failure companion"),
            (options.PidFile ?? "", PidFileOption.Cli),
        ];
        foreach (var (path, what) in others.Where(o => o.Path.Length > 0 && System.IO.Path.GetFullPath(o.Path) == System.IO.Path.GetFullPath(json)))
            failures.Add($"{StatusJsonOption.Given(json)} is also {what}");
    }

    private static void CheckSignal(string value, Option option, List<string> failures)
    {
        if (!SignalNames.TryParse(value, out _))
            failures.Add($"{option.Given(value)}: unknown signal name");
    }

    /// <summary>Ports in the order given, then paths: the order of SERVER_STARTER_PORT.</summary>
    /// <exception cref="FormatException">A value does not parse; the message names it.</exception>
    public static IReadOnlyList<ListenAddress> ListenAddresses(StarterOptions options) =>
        [.. options.Port.Select(ListenAddressParser.ParsePort), .. options.Path.Select(ListenAddressParser.ParsePath)];
}
