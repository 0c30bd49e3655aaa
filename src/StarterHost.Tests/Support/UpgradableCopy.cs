namespace StarterHost.Tests.Support;

/// <summary>
/// A private copy of the built StarterHost (the apphost, its dll and what they load), so that a test can rename a new
/// file over the running one, as a package manager does, without touching the copy every other test runs.
/// </summary>
internal sealed class UpgradableCopy : IDisposable
{
    private readonly TempDirectory _dir = new();

    public UpgradableCopy()
    {
        foreach (string file in System.IO.Directory.GetFiles(AppContext.BaseDirectory))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith("StarterHost.Tests", StringComparison.Ordinal) || name.StartsWith("xunit", StringComparison.Ordinal))
                continue;
            System.IO.File.Copy(file, Path.Combine(_dir.Path, name));
        }
    }

    public string Directory => _dir.Path;

    /// <summary>The apphost, as StarterHost is started and as an upgrade finds it again.</summary>
    public string Executable => Path.Combine(_dir.Path, "StarterHost");

    public string Dll => Path.Combine(_dir.Path, "StarterHost.dll");

    public string File(string name) => _dir.File(name);

    /// <summary>A new file with <paramref name="contents"/> (or a copy of the apphost) renamed over the executable, as dpkg installs one.</summary>
    public void RenameOver(string? contents = null, bool executable = true)
    {
        string next = _dir.File("StarterHost.dpkg-new");
        if (contents is null)
            System.IO.File.Copy(Executable, next, overwrite: true);
        else
            System.IO.File.WriteAllText(next, contents);
        System.IO.File.SetUnixFileMode(next, executable
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        System.IO.File.Move(next, Executable, overwrite: true);
    }

    /// <summary>What /proc says the process runs: the path, with " (deleted)" once another file took its name.</summary>
    public static string RunningFile(int pid) => System.IO.File.ResolveLinkTarget($"/proc/{pid}/exe", false)?.FullName ?? "";

    public void Dispose() => _dir.Dispose();
}
