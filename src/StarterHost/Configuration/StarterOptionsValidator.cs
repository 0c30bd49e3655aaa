using Microsoft.Extensions.Options;
using StarterHost.Cli;
using StarterHost.Environment;
using StarterHost.Listening;
using StarterHost.Logging;
using StarterHost.Signals;
using StarterHost.Workers;

namespace StarterHost.Configuration;

/// <summary>The range checks declared on <see cref="StarterOptions"/>, generated at compile time (no reflection, trims).</summary>
[OptionsValidator]
internal sealed partial class StarterOptionsAnnotationsValidator : IValidateOptions<StarterOptions>;

/// <summary>
/// Everything else that can be known wrong before a socket is bound or a worker spawned. Each
/// failure is one line naming the setting (configuration key and option) and the bad value.
/// </summary>
internal sealed class StarterOptionsValidator(CliMode mode, ConfigurationRead configurationRead) : IValidateOptions<StarterOptions>
{
    public ValidateOptionsResult Validate(string? name, StarterOptions options)
    {
        var failures = new List<string>();
        switch (mode)
        {
            case CliMode.Restart or CliMode.Reload:
                if (options.PidFile is null || options.StatusFile is null)
                    failures.Add($"--{mode.ToString().ToLowerInvariant()} option requires --pid-file and --status-file to be set as well (Starter:PidFile, Starter:StatusFile)");
                break;
            case CliMode.Stop:
                if (options.PidFile is null)
                    failures.Add("--stop option requires --pid-file to be set as well (Starter:PidFile)");
                break;
            case CliMode.Status:
                if (options.StatusJson is null)
                    failures.Add("--status option requires --status-json to be set as well (Starter:StatusJson)");
                break;
            case CliMode.Serve:
                ValidateServe(options, failures);
                break;
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateServe(StarterOptions options, List<string> failures)
    {
        if (options.Daemonize && options.LogFile is null)
            failures.Add("--daemonize requires --log-file (Starter:LogFile): a detached process has no terminal to write to");
        if (options.LogFile is { } logFile && LogFileRedirect.PipeCommand(logFile) is null && LogFileRedirect.WhyNotWritable(logFile) is { } why)
            failures.Add(why);
        CheckOutputDirectory(options.StatusFile, "StatusFile", "status-file", failures);
        CheckOutputDirectory(options.StatusJson, "StatusJson", "status-json", failures);
        CheckStatusJson(options, failures);
        CheckSignal(options.SignalOnHup, "SignalOnHup", "signal-on-hup", failures);
        CheckSignal(options.SignalOnTerm, "SignalOnTerm", "signal-on-term", failures);
        try
        {
            DescriptorPlan.Assign(ListenAddresses(options));
        }
        catch (Exception e) when (e is FormatException or StartupException)
        {
            failures.Add(e.Message);
        }
        if (options.Dir is { } dir && !Directory.Exists(dir))
            failures.Add($"Starter:Dir={dir} (--dir): no such directory");
        IReadOnlyDictionary<string, string>? envDir = null;
        if (options.EnvDir is { } envDirPath)
        {
            try
            {
                envDir = EnvDirReader.Read(envDirPath).Variables;
            }
            catch (IOException e)
            {
                failures.Add($"Starter:EnvDir={envDirPath} (--envdir): {e.Message}");
            }
        }
        if (options.Command.Count == 0)
        {
            // A misspelled section or a config file that was not where it was looked for ends up here.
            failures.Add($"server program not specified: give the worker command after \"--\" (or as Starter:Command; configuration files read: {configurationRead.Files})");
            return;
        }
        try
        {
            string? path = envDir?.GetValueOrDefault("PATH") ?? System.Environment.GetEnvironmentVariable("PATH");
            CommandResolver.Resolve(options.Command[0], path, options.Dir);
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
    private static void CheckOutputDirectory(string? file, string key, string option, List<string> failures)
    {
        if (file is null)
            return;
        string directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? "/";
        if (Interop.Posix.WhyNoFilesIn(directory) is { } why)
            failures.Add($"Starter:{key}={file} (--{option}): cannot create files in {directory}: {why}");
    }

    /// <summary>Each file would overwrite the other.</summary>
    private static void CheckStatusJson(StarterOptions options, List<string> failures)
    {
        if (options.StatusJson is not { } json)
            return;
        (string Path, string What)[] others =
        [
            (options.StatusFile ?? "", "--status-file"),
            (options.StatusFile is { } statusFile ? Status.StatusFileWriter.FailureFileOf(statusFile) : "", "the status file's .failure companion"),
            (options.PidFile ?? "", "--pid-file"),
        ];
        foreach (var (path, what) in others.Where(o => o.Path.Length > 0 && Path.GetFullPath(o.Path) == Path.GetFullPath(json)))
            failures.Add($"Starter:StatusJson={json} (--status-json) is also {what}");
    }

    private static void CheckSignal(string value, string key, string option, List<string> failures)
    {
        if (!SignalNames.TryParse(value, out _))
            failures.Add($"Starter:{key}={value} (--{option}): unknown signal name");
    }

    /// <summary>Ports in the order given, then paths: the order of SERVER_STARTER_PORT.</summary>
    /// <exception cref="FormatException">A value does not parse; the message names it.</exception>
    public static IReadOnlyList<ListenAddress> ListenAddresses(StarterOptions options) =>
        [.. options.Port.Select(ListenAddressParser.ParsePort), .. options.Path.Select(ListenAddressParser.ParsePath)];
}
