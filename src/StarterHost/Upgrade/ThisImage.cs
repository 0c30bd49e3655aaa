namespace StarterHost.Upgrade;

/// <summary>
/// This image: when it started, and what an upgrade in place executes (resolved once, at start, so that a file renamed
/// over the running one is what runs next). Null where StarterHost runs in-process (tests) and cannot exec itself.
/// </summary>
internal static class ThisImage
{
    public static DateTime StartedAt { get; } = DateTime.UtcNow;

    public static ImageLocation? Location { get; private set; }

    /// <param name="upgradeExec">--upgrade-exec: another file to exec instead.</param>
    /// <param name="carried">In an image an upgrade started: the location the old one used (a rolled-back native image
    /// no longer knows its own path).</param>
    /// <exception cref="StartupException">--upgrade-exec names a .dll, but StarterHost does not run in the dotnet host.</exception>
    public static void Resolve(IReadOnlyList<string> args, string? upgradeExec, ImageLocation? carried)
    {
        ImageLocation location;
        try
        {
            location = carried ?? ImageLocation.AtStart(args);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // Not known (a deleted image, /proc not mounted): USR2 is then refused, saying so; nothing else needs it.
            Location = null;
            return;
        }
        try
        {
            Location = upgradeExec is null ? location : location.WithProgram(upgradeExec);
        }
        catch (ArgumentException e)
        {
            throw new StartupException($"{Configuration.StarterOptions.UpgradeExecOption.Given(upgradeExec!)}: {e.Message}");
        }
    }
}
