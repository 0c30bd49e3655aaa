using System.Diagnostics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>Faults of the machine, not of the configuration, at start: one line, exit 1, nothing left behind.</summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A pid file on a full disk: a tiny tmpfs, filled, in a mount namespace of the test's own (unshare), so
    /// nothing outlives the test whatever happens.
    /// </summary>
    [Fact]
    public async Task APidFileOnAFullDiskIsOneLineAndExitOneAndLeavesNoEmptyPidFile()
    {
        string mount = Directory.CreateDirectory(_dir.File("full")).FullName;
        string script = """
            mount -t tmpfs -o size=4k tmpfs "$1" || exit 99
            dd if=/dev/zero of="$1/fill" bs=4k count=1 2>/dev/null
            "$2" --pid-file="$1/pid" --port=127.0.0.1:0 -- /bin/true
            rc=$?
            ls -A "$1" >&2
            exit $rc
            """;
        var info = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["--mount", "--propagation", "private", "--map-root-user", "/bin/sh", "-c", script, "sh", mount, StarterProcess.ExecutablePath])
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string[] stderr = process.StandardError.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.WaitForExit(StarterProcess.DefaultTimeout), "StarterHost did not exit");
        Assert.True(process.ExitCode != 99, "the test could not mount a tmpfs: " + string.Join('\n', stderr));

        Assert.Equal(1, process.ExitCode);
        Assert.Contains($"starterhost: failed to write pid file {mount}/pid: No space left on device", stderr);
        Assert.DoesNotContain(stderr, l => l.Contains("Exception", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal));
        // What `ls -A` saw afterwards: the filler alone, no empty pid file.
        Assert.Equal("fill", stderr[^1]);
        Assert.Equal("", await stdout);
    }
}
