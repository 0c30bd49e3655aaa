using System.Collections;
using System.Globalization;
using StarterHost.Configuration;
using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Configuration.StarterOptions;

namespace StarterHost.Environment;

/// <summary>
/// The environment a worker is spawned with, and the settings an envdir may override.
/// Server::Starter keeps the options' legacy variables (<see cref="Option.LegacyVariable"/>: ENVDIR,
/// ENABLE_AUTO_RESTART, KILL_OLD_DELAY, AUTO_RESTART_INTERVAL) in its own %ENV (options copy into it), so
/// workers see them and an envdir can change them between restarts.
/// </summary>
internal sealed class WorkerEnvironment
{
    public const string PortVariable = "SERVER_STARTER_PORT";
    public const string GenerationVariable = "SERVER_STARTER_GENERATION";

    /// <summary>The worker's slot in its generation, 0 to --workers - 1: stable across restarts and respawns.</summary>
    public const string WorkerVariable = "SERVER_STARTER_WORKER";

    private readonly SortedDictionary<string, string> _base;
    private readonly StarterOptions _options;

    public WorkerEnvironment(StarterOptions options, IDictionary processEnvironment)
    {
        _options = options;
        _base = new(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in processEnvironment)
        {
            if (entry.Key is string key && entry.Value is string value && !InternalVariables.Contains(key))
                _base[key] = value;
        }
        foreach (var option in Declared)
        {
            if (option.LegacyVariable is { } variable && option.ToLegacyVariable(options) is { } value)
                _base[variable] = value;
        }
    }

    /// <summary>
    /// Variables StarterHost uses between its own processes, and those the service manager addressed to
    /// StarterHost alone (see <see cref="Systemd.SystemdEnvironment.UnitVariables"/>); a worker never sees them.
    /// </summary>
    public static readonly IReadOnlySet<string> InternalVariables = new HashSet<string>(
        [Hosting.Daemonizer.NotifyFdVariable, .. Systemd.SystemdEnvironment.UnitVariables], StringComparer.Ordinal);

    public string? EnvDir => _base.GetValueOrDefault(EnvDirOption.LegacyVariable!);

    /// <summary>The environment every worker starts from (StarterHost's own, less what is addressed to it alone).</summary>
    public IReadOnlyDictionary<string, string?> Base => _base.ToDictionary(e => e.Key, string? (e) => e.Value);

    /// <summary>The base environment overlaid with the envdir's entries (when there is one).</summary>
    public SortedDictionary<string, string> Compose(IReadOnlyDictionary<string, string>? envDir)
    {
        var result = new SortedDictionary<string, string>(_base, StringComparer.Ordinal);
        if (envDir is not null)
        {
            foreach (var (key, value) in envDir)
                result[key] = value;
        }
        return result;
    }

    /// <summary>The settings for the next generation, read from the composed environment as the reference reads %ENV.</summary>
    public RuntimeSettings SettingsFrom(IReadOnlyDictionary<string, string> environment)
    {
        bool autoRestart = PerlTrue(environment.GetValueOrDefault(EnableAutoRestartOption.LegacyVariable!));
        // Server::Starter: AUTO_RESTART_INTERVAL ||= 360, so 0 or empty also means 360.
        double interval = Seconds(environment.GetValueOrDefault(AutoRestartIntervalOption.LegacyVariable!));
        if (interval <= 0)
            interval = 360;
        // Server::Starter: KILL_OLD_DELAY when defined, else 5 with auto-restart, else 0.
        double killOldDelay = environment.TryGetValue(KillOldDelayOption.LegacyVariable!, out var delay) ? Seconds(delay) : autoRestart ? 5 : 0;
        SignalNames.TryParse(_options.SignalOnHup, out int onHup);
        SignalNames.TryParse(_options.SignalOnTerm, out int onTerm);
        SignalNames.TryParse(_options.WatchdogSignal, out int onHang);
        return new RuntimeSettings(
            Interval: TimeSpan.FromSeconds(_options.Interval),
            SignalOnHup: onHup,
            SignalOnTerm: onTerm,
            KillOldDelay: TimeSpan.FromSeconds(Math.Max(0, killOldDelay)),
            AutoRestart: autoRestart,
            AutoRestartInterval: TimeSpan.FromSeconds(interval),
            DrainTimeout: TimeSpan.FromSeconds(_options.DrainTimeout),
            Readiness: _options.Readiness,
            StartTimeout: TimeSpan.FromSeconds(_options.StartTimeout),
            BackoffMax: TimeSpan.FromSeconds(_options.BackoffMax),
            MaxStartFailures: _options.MaxStartFailures,
            SignalGroup: _options.SignalGroup,
            Workers: _options.Workers,
            Handover: _options.Handover,
            MaxWorkerLifetime: TimeSpan.FromSeconds(_options.MaxWorkerLifetime),
            MaxWorkerRss: _options.MaxWorkerRss,
            CheckBeforeRestart: _options.CheckCommand is not null,
            CheckTimeout: TimeSpan.FromSeconds(_options.CheckTimeout),
            DetailedStatus: _options.StatusJson is not null,
            WorkerWatchdog: TimeSpan.FromSeconds(_options.WorkerWatchdog),
            WatchdogSignal: onHang);
    }

    private static bool PerlTrue(string? value) => !string.IsNullOrEmpty(value) && value != "0";

    // Perl numifies a non-number to 0.
    private static double Seconds(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds) ? seconds : 0;
}
