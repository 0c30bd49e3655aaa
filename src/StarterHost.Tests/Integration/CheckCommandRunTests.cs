using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// --check-command with real processes: a failing check refuses the restart, the old generation serves on,
/// and --restart/--reload exit 1 with the reason at once (their timeouts are far away); a passing one restarts.
/// </summary>
public sealed class CheckCommandRunTests : IDisposable
{
    private static readonly string[] Worker = ["--", "sh", "-c", "echo \"worker $$ of generation $SERVER_STARTER_GENERATION\"; exec sleep 1000"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string PidFile => _dir.File("pid");
    private string StatusFile => _dir.File("status");
    private string[] Files => [$"--pid-file={PidFile}", $"--status-file={StatusFile}"];

    private StarterProcess Start(params string[] options)
    {
        var starter = StarterProcess.Start(["--port=127.0.0.1:0", .. Files, "--interval=0.1", .. options, .. Worker]);
        int first = starter.WorkerPid(1);
        Eventually.True(() => File.Exists(StatusFile) && File.ReadAllText(StatusFile) == $"1:{first}\n", "generation 1 in the status file");
        return starter;
    }

    private (int Code, string Output) Client(string mode) => StarterProcess.Run([mode, .. Files, "--timeout=600"]);

    [Fact]
    public void AFailingCheckRefusesEachRestartWithItsReasonUntilItPasses()
    {
        string ok = _dir.File("config-ok");
        using var starter = Start($"--check-command=test -f {ok} || {{ echo 'checking config'; echo 'syntax error at line 3' >&2; exit 4; }}");
        int first = starter.WorkerPid(1);

        var (code, output) = Client("--restart");
        Assert.Equal(1, code);
        const string reason = "restart refused: the check command failed with status:1024 (exit code 4): checking config | syntax error at line 3; generation 1 keeps serving";
        Assert.Contains($"restart failed: {reason}", output);
        starter.WaitForLine($"generation 2 not spawned: {System.Text.RegularExpressions.Regex.Escape(reason)}");
        Assert.Equal($"1:{first}\n", File.ReadAllText(StatusFile));

        // Refused again: the client tells this refusal from the one before, and fails at once again.
        (code, output) = Client("--reload");
        Assert.Equal(1, code);
        Assert.Contains($"reload failed: {reason}", output);
        // Nothing but generation 1 was ever spawned.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(starter.Output, "starting new worker"));

        File.WriteAllText(ok, "");
        (code, output) = Client("--restart");
        Assert.True(code == 0, output);
        Assert.Contains("restart complete: generation 2 is running", output);
        starter.WaitForLine("the check command passed for generation 2");
    }

    [Fact]
    public void TheCheckRunsInTheWorkersEnvironmentDirectoryAndIdentity()
    {
        string dir = Directory.CreateDirectory(_dir.File("app")).FullName;
        using var starter = Start($"--dir={dir}", $"--user={TestUser.Name}",
            "--check-command=echo \"in $(pwd) for generation $SERVER_STARTER_GENERATION as uid $(id -u)\"; exit 1");
        var (code, output) = Client("--restart");
        Assert.Equal(1, code);
        Assert.Contains($"the check command failed with status:256 (exit code 1): in {dir} for generation 2 as uid {TestUser.Uid}; generation 1 keeps serving", output);
    }

    /// <summary>
    /// The check lists /proc/PID/fd of its own process (perl, exec'd by the shell; the directory handle it reads
    /// with left out): stdin, and its output pipe at 1 and 2, nothing else. (A shell redirection such as
    /// `ls -l /proc/$$/fd > file` shows a second copy of the pipe at fd 10: that is dash saving its stdout
    /// while the redirection lasts, in any shell, not a descriptor StarterHost gave.)
    /// </summary>
    [Theory]
    [InlineData("--interval=0.1")]
    [InlineData("--no-death-signal")]
    public void TheCheckCommandHasItsOutputPipeAndNoOtherDescriptor(string spawn)
    {
        const string list = "exec perl -e 'opendir(my $d, qq{/proc/$$/fd}) or die; "
            + "my @fds = grep { /^[0-9]+$/ && readlink(qq{/proc/$$/fd/$_}) ne qq{/proc/$$/fd} } readdir $d; "
            + "print qq{fds: }, join(qq{ }, map { qq{$_=} . readlink(qq{/proc/$$/fd/$_}) } sort { $a <=> $b } @fds), qq{\n}; exit 1'";
        using var starter = Start(spawn, $"--check-command={list}");
        var (code, output) = Client("--restart");
        Assert.Equal(1, code);
        var fds = System.Text.RegularExpressions.Regex.Match(output, @"exit code 1\): fds: 0=(\S+) 1=(pipe:\[\d+\]) 2=(pipe:\[\d+\]); generation 1 keeps serving");
        Assert.True(fds.Success, output);
        Assert.Equal(fds.Groups[2].Value, fds.Groups[3].Value);
    }

    [Fact]
    public void ACheckPastItsTimeLimitIsKilledAndRefuses()
    {
        using var starter = Start("--check-timeout=1", "--check-command=sleep 600 & wait");
        var (code, output) = Client("--restart");
        Assert.Equal(1, code);
        Assert.Contains("restart refused: the check command did not finish within 1 s; generation 1 keeps serving", output);
        // Its whole group went, the sleep it started included. The group is the check's pid, which the kill line names
        // (a marker the check wrote itself could still be unwritten when a loaded machine lets the second pass first).
        int pgid = int.Parse(starter.WaitForLine(@"the check command \(pid (\d+)\) is still running").Groups[1].Value);
        Eventually.True(() => !Directory.EnumerateDirectories("/proc").Any(p => ProcessGroupOf(p) == pgid), $"process group {pgid} to be gone");
    }

    private static int? ProcessGroupOf(string procDir)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid pgrp ...": fields after the last ')'.
            string stat = File.ReadAllText(Path.Combine(procDir, "stat"));
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
