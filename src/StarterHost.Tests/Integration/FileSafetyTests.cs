using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// StarterHost, often root, writes its pid and status files where a local user (a worker run with --user, who
/// knows StarterHost's pid as $PPID) may have planted a name first: what was planted is never written through.
/// </summary>
public sealed class FileSafetyTests : IDisposable
{
    private const string Secret = "root:secret:19000:0:99999:7:::\n";
    private static readonly string[] Worker = ["--", "sh", "-c", "echo \"worker $$ running\"; exec sleep 1000"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Victim => _dir.File("shadow");

    [Fact]
    public void ASymlinkAtThePidFilesNameIsNeverWrittenThroughAndTheStartIsRefusedInOneLine()
    {
        File.WriteAllText(Victim, Secret);
        string pidFile = _dir.File("app.pid");
        File.CreateSymbolicLink(pidFile, Victim);

        var (code, output) = StarterProcess.Run(["--port=127.0.0.1:0", $"--pid-file={pidFile}", .. Worker]);

        Assert.Equal(1, code);
        Assert.Contains($"starterhost: pid file {pidFile} is a symbolic link; refusing to write through it", output.Split('\n'));
        Assert.DoesNotContain("starting new worker", output);
        Assert.DoesNotContain("Exception", output);
        Assert.Equal(Secret, File.ReadAllText(Victim));
    }

    /// <summary>
    /// start_server writes FILE.PID and renames it; a launcher plants symlinks at those names for the pid
    /// StarterHost will have (its own: it execs StarterHost), as a worker could for the next write.
    /// </summary>
    [Fact]
    public void SymlinksAtStartServersTemporaryNamesAreNeverWrittenThrough()
    {
        File.WriteAllText(Victim, Secret);
        string status = _dir.File("app.status"), json = _dir.File("app.json");
        string plant = $"for f in {status} {status}.failure {json}; do ln -s {Victim} \"$f.$$\"; done; exec \"$0\" \"$@\"";
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--status-file={status}", $"--status-json={json}", "--interval=0.1", .. Worker],
            launcher: ["/bin/sh", "-c", plant]);
        int worker = starter.WorkerPid(1);
        Eventually.True(() => File.Exists(status) && File.ReadAllText(status) == $"1:{worker}\n", "generation 1 in the status file");
        Eventually.True(() => File.Exists(json) && System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(json), $@"""pid"":\s*{worker}\b"), "generation 1 in the JSON report");

        Assert.Equal(Secret, File.ReadAllText(Victim));
        Assert.True(File.Exists($"{status}.{starter.Pid}"), "the planted link was removed or replaced");
    }

    [Fact]
    public void FilesInADirectoryTheWorkersUserCanWriteToAreWarnedOfOnceAndOthersAreNot()
    {
        string open = Directory.CreateDirectory(_dir.File("open")).FullName;
        File.SetUnixFileMode(open, (UnixFileMode)0x3FF); // 1777, as /tmp
        string closed = Directory.CreateDirectory(_dir.File("closed")).FullName;
        File.SetUnixFileMode(closed, (UnixFileMode)0x1ED); // 0755
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--user={TestUser.Name}", $"--pid-file={open}/app.pid",
            $"--status-file={closed}/app.status", "--interval=0.1", .. Worker]);
        starter.WorkerPid(1);

        var warning = starter.WaitForLine("the workers' user .* can write where StarterHost keeps (.*): a worker could replace them");
        Assert.Equal($"the pid file {open}/app.pid (in {open})", warning.Groups[1].Value);
        Assert.Single(starter.Output.Split('\n'), l => l.Contains("can write where StarterHost keeps", StringComparison.Ordinal));
    }
}
