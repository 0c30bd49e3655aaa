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

    /// <summary>
    /// An executable file of no format the kernel runs, and not text (a NUL in its first line): exec(2) says "Exec
    /// format error", and no retry changes that. At first start it is one line (not a retry for ever) and exit 1,
    /// through the exec helper and without it.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AtFirstStartACommandTheSystemCannotExecuteIsOneLineAndExitOne(bool noDeathSignal)
    {
        string script = ForeignBinary();
        string pidFile = _dir.File("pid");
        string[] args = ["--port=127.0.0.1:0", $"--pid-file={pidFile}", "--interval=0", .. noDeathSignal ? ["--no-death-signal"] : Array.Empty<string>(), "--", script];
        using var starter = StarterProcess.Start(args, workingDirectory: _dir.Path);
        Assert.Equal(1, starter.WaitForExit());
        string[] lines = starter.Output.Split('\n');
        string failure = $"generation 1 could not be spawned: exec {script} failed: Exec format error";
        Assert.Single(lines, l => l.Contains("Exec format error", StringComparison.Ordinal));
        Assert.Single(lines, l => l.EndsWith($" error: {failure} (a binary of a format or architecture this system does not run); no retry can fix that, and no generation has served: exiting with status 1", StringComparison.Ordinal));
        // No retry: at most one worker was started (posix_spawn itself fails without the helper), and no other line says it failed.
        Assert.Equal(noDeathSignal ? 0 : 1, lines.Count(l => l.Contains("starting new worker", StringComparison.Ordinal)));
        Assert.Single(lines, l => l.Contains("could not be spawned", StringComparison.Ordinal) || l.Contains("failed to start", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("cannot execute", StringComparison.Ordinal));
        Assert.False(File.Exists(pidFile));
    }

    /// <summary>
    /// A text file without #! runs through /bin/sh with its arguments, as execvp(3) (start_server's Perl exec) runs
    /// it, through the exec helper and without it: it is a worker like any other, not an exec failure.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AScriptWithoutAShebangLineRunsThroughTheShellAsStartServerRunsIt(bool noDeathSignal)
    {
        string script = _dir.File("server"), ran = _dir.File("ran");
        File.WriteAllText(script, $"echo \"$0 $1 $SERVER_STARTER_GENERATION\" > '{ran}'\nexec sleep 60\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string[] args = ["--port=127.0.0.1:0", "--interval=0", .. noDeathSignal ? ["--no-death-signal"] : Array.Empty<string>(), "--", script, "first-argument"];
        using var starter = StarterProcess.Start(args, workingDirectory: _dir.Path);
        int worker = starter.WorkerPid(1);
        Eventually.True(() => File.Exists(ran) && File.ReadAllText(ran).EndsWith('\n'), "the script ran");
        Assert.Equal($"{script} first-argument 1\n", File.ReadAllText(ran));
        // The shell exec'd sleep in the worker's own process: it is the worker StarterHost started, still running.
        Assert.Equal("sleep", File.ReadAllText($"/proc/{worker}/comm").Trim());
        starter.Signal(15);
        Assert.Equal(0, starter.WaitForExit());
        Assert.DoesNotContain("Exec format error", starter.Output, StringComparison.Ordinal);
    }

    /// <summary>An executable file that is not text and that no binfmt handler claims: NUL bytes from the start.</summary>
    private string ForeignBinary()
    {
        string path = _dir.File("server");
        File.WriteAllBytes(path, [0, 0, 0, 0, (byte)'n', (byte)'o', (byte)'t', 0, (byte)'\n', 0]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void ADaemonWhoseCommandCannotBeExecutedTellsTheLauncherAndExitsInsteadOfRetrying()
    {
        string script = ForeignBinary();
        string pidFile = _dir.File("pid"), log = _dir.File("log");
        var (code, output) = StarterProcess.Run(["--port=127.0.0.1:0", "--daemonize", $"--log-file={log}", $"--pid-file={pidFile}", "--", script], workingDirectory: _dir.Path);
        Assert.Equal(1, code);
        Assert.Equal($"starterhost: generation 1 could not be spawned: exec {script} failed: Exec format error (a binary of a format or architecture this system does not run)", output);
        // The daemon exits too: its pid file goes with it.
        Eventually.True(() => !File.Exists(pidFile), "the daemon gone");
        Assert.Contains("exiting with status 1", File.ReadAllText(log));
    }
}
