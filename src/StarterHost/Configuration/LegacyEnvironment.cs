using System.Collections;

namespace StarterHost.Configuration;

/// <summary>
/// The environment variables start_server honours in place of options. They sit above
/// appsettings.json and below Starter__* variables and the command line.
/// </summary>
internal static class LegacyEnvironment
{
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
