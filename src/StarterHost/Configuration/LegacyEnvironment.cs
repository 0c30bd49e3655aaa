using System.Collections;

namespace StarterHost.Configuration;

/// <summary>
/// The environment variables start_server honours in place of options. They sit above
/// appsettings.json and below Starter__* variables and the command line.
/// </summary>
internal static class LegacyEnvironment
{
    private static readonly Dictionary<string, string> Variables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Starter:EnvDir"] = "ENVDIR",
        ["Starter:EnableAutoRestart"] = "ENABLE_AUTO_RESTART",
        ["Starter:KillOldDelay"] = "KILL_OLD_DELAY",
        ["Starter:AutoRestartInterval"] = "AUTO_RESTART_INTERVAL",
    };

    /// <summary>The variable a key read here came from, to name it in an error.</summary>
    public static string? VariableFor(string key) => Variables.GetValueOrDefault(key);

    public static IEnumerable<KeyValuePair<string, string?>> Read(IDictionary environment)
    {
        if (environment["ENVDIR"] is string envDir && envDir.Length > 0)
            yield return new("Starter:EnvDir", envDir);
        if (environment["ENABLE_AUTO_RESTART"] is string enable)
            yield return new("Starter:EnableAutoRestart", enable is "" or "0" ? "false" : "true"); // Perl truth
        if (environment["KILL_OLD_DELAY"] is string delay && delay.Length > 0)
            yield return new("Starter:KillOldDelay", delay);
        if (environment["AUTO_RESTART_INTERVAL"] is string interval && interval.Length > 0)
            yield return new("Starter:AutoRestartInterval", interval);
    }
}
