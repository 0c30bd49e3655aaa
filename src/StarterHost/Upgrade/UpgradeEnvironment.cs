namespace StarterHost.Upgrade;

/// <summary>The variables an upgrade in place sets for the new image, and what is never passed on from an old one.</summary>
internal static class UpgradeEnvironment
{
    /// <summary>The old image's running file (an O_PATH fd), to exec again should the new one fail to take over.</summary>
    public const string ImageVariable = "STARTERHOST_UPGRADE_IMAGE_FD";

    /// <summary>Set in the old image executed again: why the new one could not take over.</summary>
    public const string RolledBackVariable = "STARTERHOST_UPGRADE_ROLLED_BACK";

    /// <summary>
    /// The environment without the handoff's variables, and without a <c>--daemonize</c> launcher's descriptor: it was
    /// told long ago, and the new image must neither detach again nor write into whatever that fd number is now.
    /// </summary>
    public static IEnumerable<string> Without(IEnumerable<string> environment) =>
        environment.Where(variable => !variable.StartsWith("STARTERHOST_UPGRADE_", StringComparison.Ordinal)
            && !variable.StartsWith($"{Hosting.Daemonizer.NotifyFdVariable}=", StringComparison.Ordinal));
}
