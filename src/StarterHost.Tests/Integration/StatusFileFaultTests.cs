using System.Diagnostics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>A status file that cannot be written at run time: logged, survived, and never misread by a client.</summary>
public sealed class StatusFileFaultTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The disk under the status file (a tiny tmpfs, in a mount namespace of the test's own) fills while
    /// StarterHost runs: the failure is logged once, --restart does not take the stale file for the truth, and
    /// the file is written again once there is room.
    /// </summary>
    [Fact]
    public async Task AStatusFileThatCannotBeWrittenIsRetriedAndAClientReportsItStale()
    {
        string mount = Directory.CreateDirectory(_dir.File("full")).FullName;
        string log = _dir.File("log");
        string script = $$"""
            mount -t tmpfs -o size=16k tmpfs "$1" || exit 99
            "$2" --port=127.0.0.1:0 --pid-file="$1/pid" --status-file="$1/status" --interval=0.2 -- perl {{TestWorker.Script}} > "$3" 2>&1 &
            for i in $(seq 300); do [ -s "$1/status" ] && break; sleep 0.1; done
            dd if=/dev/zero of="$1/fill" bs=4k count=16 2>/dev/null
            "$2" --restart --pid-file="$1/pid" --status-file="$1/status" --timeout=60
            echo "restart rc=$?"
            rm "$1/fill"
            for i in $(seq 300); do grep -q "the status file is written again" "$3" && break; sleep 0.1; done
            cat "$1/status"
            "$2" --stop --pid-file="$1/pid" --timeout=60
            """;
        var info = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["--mount", "--propagation", "private", "--map-root-user", "/bin/sh", "-c", script, "sh", mount, StarterProcess.ExecutablePath, log])
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in new TestWorker(_dir).Environment)
            info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string[] stdout = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.WaitForExit(StarterProcess.DefaultTimeout * 2), "the script did not finish");
        string said = await stderr;
        Assert.True(process.ExitCode != 99, "the test could not mount a tmpfs: " + said);
        string logged = File.ReadAllText(log);

        Assert.Contains("restart rc=1", stdout);
        Assert.Matches(@"restart failed: the status file \S+/status is stale: it lists pid \d+, which has exited; StarterHost cannot rewrite it", said);
        Assert.Single(logged.Split('\n'), l => l.Contains("failed to write the status file:", StringComparison.Ordinal));
        Assert.Contains("No space left on device", logged);
        Assert.Contains("the status file is written again", logged);
        // Rewritten with the generation that serves now.
        Assert.Matches(@"^2:\d+$", stdout.Single(l => !l.StartsWith("restart", StringComparison.Ordinal) && !l.StartsWith("stop_server", StringComparison.Ordinal)));
    }
}
