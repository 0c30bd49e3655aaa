namespace StarterHost.Tests.Support;

/// <summary>The checkout the tests were built from.</summary>
internal static class Repository
{
    /// <summary>The first directory above the test build that holds deploy/systemd.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "deploy", "systemd")))
                    return dir.FullName;
            }
            throw new DirectoryNotFoundException($"no deploy/systemd above {AppContext.BaseDirectory}");
        }
    }
}
