namespace StarterHost.Hosting;

/// <summary>How to run this program again: the native binary, or "dotnet …/StarterHost.dll".</summary>
internal static class SelfCommand
{
    public static string[] Get()
    {
        string processPath = System.Environment.ProcessPath ?? throw new StartupException("the path of this executable is unknown");
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
            return [processPath, Path.Combine(AppContext.BaseDirectory, "StarterHost.dll")];
        return [processPath];
    }
}
