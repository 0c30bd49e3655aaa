using System.Collections;
using System.Globalization;
using StarterHost.Configuration;
using StarterHost.Generations;
using StarterHost.Signals;

namespace StarterHost.Environment;

/// <summary>
/// The environment a worker is spawned with, and the settings an envdir may override.
/// Server::Starter keeps ENVDIR, ENABLE_AUTO_RESTART, KILL_OLD_DELAY and AUTO_RESTART_INTERVAL in its
/// own %ENV (options copy into it), so workers see them and an envdir can change them between restarts.
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
        if (options.EnvDir is { } dir)
            _base["ENVDIR"] = dir;
        if (options.EnableAutoRestart)
            _base["ENABLE_AUTO_RESTART"] = "1";
        if (options.KillOldDelay is { } delay)
            _base["KILL_OLD_DELAY"] = Format(delay);
        if (options.AutoRestartInterval is { } interval)
            _base["AUTO_RESTART_INTERVAL"] = Format(interval);
    }

    /// <summary>
    /// Variables StarterHost uses between its own processes, and those the service manager addressed to
    /// StarterHost alone (see <see cref="Systemd.SystemdEnvironment.UnitVariables"/>); a worker never sees them.
    /// </summary>
    public static readonly IReadOnlySet<string> InternalVariables = new HashSet<string>(
        [Hosting.Daemonizer.NotifyFdVariable, .. Systemd.SystemdEnvironment.UnitVariables], StringComparer.Ordinal);

    public string? EnvDir => _base.GetValueOrDefault("ENVDIR");

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
        bool autoRestart = PerlTrue(environment.GetValueOrDefault("ENABLE_AUTO_RESTART"));
        // Server::Starter: AUTO_RESTART_INTERVAL ||= 360, so 0 or empty also means 360.
        double interval = Seconds(environment.GetValueOrDefault("AUTO_RESTART_INTERVAL"));
        if (interval <= 0)
            interval = 360;
        // Server::Starter: KILL_OLD_DELAY when defined, else 5 with auto-restart, else 0.
        double killOldDelay = environment.TryGetValue("KILL_OLD_DELAY", out var delay) ? Seconds(delay) : autoRestart ? 5 : 0;
        SignalNames.TryParse(_options.SignalOnHup, out int onHup);
        SignalNames.TryParse(_options.SignalOnTerm, out int onTerm);
        return new RuntimeSettings(
            TimeSpan.FromSeconds(_options.Interval),
            onHup,
            onTerm,
            TimeSpan.FromSeconds(Math.Max(0, killOldDelay)),
            autoRestart,
            TimeSpan.FromSeconds(interval),
            TimeSpan.FromSeconds(_options.DrainTimeout),
            _options.Readiness,
            TimeSpan.FromSeconds(_options.StartTimeout),
            TimeSpan.FromSeconds(_options.BackoffMax),
            _options.MaxStartFailures,
            _options.SignalGroup,
            _options.Workers,
            _options.Handover,
            TimeSpan.FromSeconds(_options.MaxWorkerLifetime),
            _options.MaxWorkerRss,
            _options.CheckCommand is not null,
            TimeSpan.FromSeconds(_options.CheckTimeout),
            _options.StatusJson is not null);
    }

    private static bool PerlTrue(string? value) => !string.IsNullOrEmpty(value) && value != "0";

    // Perl numifies a non-number to 0.
    private static double Seconds(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds) ? seconds : 0;

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
