using StarterHost.Tests.Support;
using StarterHost.Workers;

namespace StarterHost.Tests.Integration;

/// <summary>
/// The exec helper's duties, run as StarterHost runs it, in both forms: the native starterhost-exec that the
/// build puts beside StarterHost, and StarterHost itself in --exec-worker mode, the fallback where there is
/// none. The worker is a python3 that reports what the kernel says of its process.
/// </summary>
public sealed class ExecHelperTests
{
    public const string Native = "starterhost-exec";
    public const string Fallback = "starterhost --exec-worker";

    public static TheoryData<string> Forms => [Native, Fallback];

    private const int SigTerm = 15;
    private const int SigUsr2 = 12;

    // The signal state as the worker's program finds it (sh's, read before it becomes a python3, which ignores
    // SIGPIPE and SIGXFSZ itself); then its pid, LISTEN_PID, SYSTEMD_EXEC_PID, PR_GET_PDEATHSIG and identity.
    // Read by sh's builtins: dash runs a command such as grep through vfork with every signal blocked, and clears
    // its mask only once it runs again, so a grep of /proc/$$/status can see that mask (17 times in 200 here).
    private static readonly string[] Reporter =
    [
        "--", "/bin/sh", "sh", "-c",
        """
        while read -r line; do case $line in SigBlk:*|SigIgn:*) echo "$line";; esac; done < /proc/$$/status
        exec /usr/bin/python3 -c "
        import ctypes, os
        signal = ctypes.c_int()
        ctypes.CDLL(None).prctl(2, ctypes.byref(signal))
        print(os.getpid(), os.environ.get('LISTEN_PID'), os.environ.get('SYSTEMD_EXEC_PID'), signal.value)
        print(''.join(l for l in open('/proc/self/status') if l.split(':')[0] in ('Uid', 'Gid', 'Groups')), end='')
        "
        """,
    ];

    /// <summary>The line python3 printed: pid, LISTEN_PID, SYSTEMD_EXEC_PID, death signal.</summary>
    private static string Summary(OneShot run) => run.Stdout.Split('\n')[2];

    private static string[] Helper(string form)
    {
        if (form == Fallback)
            return [StarterProcess.ExecutablePath, ExecHelper.Flag];
        string native = Path.Combine(AppContext.BaseDirectory, ExecHelperCommand.NativeName);
        Assert.True(File.Exists(native), $"{native} was not built: NativeAOT needs clang or gcc");
        return [native];
    }

    private static OneShot Run(string form, IEnumerable<string> args)
    {
        string[] helper = Helper(form);
        return OneShot.RunProgram(helper[0], [.. helper.Skip(1), .. args]);
    }

    private static string Field(OneShot run, string name) =>
        run.Stdout.Split('\n').Single(l => l.StartsWith(name + ":")).Split(':', 2)[1].Trim();

    [Theory]
    [MemberData(nameof(Forms))]
    public void TheWorkerRunsInTheHelpersProcessWithItsPidInTheVariablesTheDeathSignalSetAndNoSignalIgnoredOrBlocked(string form)
    {
        // The helper's parent is this test process, which is what StarterHost passes as --parent.
        var run = Run(form, [$"--death-signal={SigUsr2}", $"--parent={System.Environment.ProcessId}", "--pid-variables=LISTEN_PID,SYSTEMD_EXEC_PID", .. Reporter]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        string[] first = Summary(run).Split(' ');
        Assert.Equal(first[0], first[1]);
        Assert.Equal(first[0], first[2]);
        Assert.Equal(SigUsr2.ToString(), first[3]);
        // Both runtimes ignore SIGPIPE and block signals of their own: none of that reaches the worker.
        Assert.Equal("0000000000000000", Field(run, "SigIgn"));
        Assert.Equal("0000000000000000", Field(run, "SigBlk"));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void WithoutOptionsTheWorkerGetsNoDeathSignalAndNoPidVariables(string form)
    {
        var run = Run(form, ["--death-signal=0", "--parent=0", "--pid-variables=", .. Reporter]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.EndsWith(" None None 0", Summary(run));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ASuperdaemonGoneBeforeTheDeathSignalWasSetStopsTheWorkerFromStarting(string form)
    {
        // Not our parent: as if StarterHost had died and the helper had been reparented.
        var run = Run(form, [$"--death-signal={SigTerm}", "--parent=1", .. Reporter]);

        Assert.Equal(127, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal(["starterhost: the superdaemon (pid 1) exited before its worker started"], run.StderrLines);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AFailedExecIsReportedWithItsErrnoOnTheReportDescriptorWhichStarterHostLogs(string form)
    {
        // Stdout as the report descriptor: StarterHost passes a pipe's write end the same way. The errno (ENOENT)
        // tells StarterHost whether a retry could help (Workers/ExecFailure); it logs the reason itself, so the
        // helper's stderr, which is StarterHost's log too, does not say it a second time.
        var run = Run(form, ["--death-signal=0", "--parent=0", "--report-fd=1", "--", "/nonexistent/worker", "worker"]);

        Assert.Equal(127, run.ExitCode);
        Assert.Equal("2 exec /nonexistent/worker failed: No such file or directory", run.Stdout);
        Assert.Equal((2, "exec /nonexistent/worker failed: No such file or directory"), ExecHelper.ParseReport(run.Stdout));
        Assert.Empty(run.StderrLines);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AFailedExecWithoutAReportDescriptorIsSaidOnStandardError(string form)
    {
        // The check command's spawn: its stderr is the output the refusal quotes.
        var run = Run(form, ["--death-signal=0", "--parent=0", "--", "/nonexistent/worker", "worker"]);

        Assert.Equal(127, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal(["starterhost: exec /nonexistent/worker failed: No such file or directory"], run.StderrLines);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AScriptWithoutAShebangRunsThroughTheShellWithItsArgumentsAsExecvpRunsIt(string form)
    {
        using var dir = new TempDirectory();
        string script = dir.File("worker");
        File.WriteAllText(script, "echo \"$0 $*\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var run = Run(form, ["--death-signal=0", "--parent=0", "--report-fd=2", "--", script, "worker", "one", "two"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal($"{script} one two\n", run.Stdout);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AnExecutableThatIsNeitherAProgramNorTextIsAnExecFormatError(string form)
    {
        using var dir = new TempDirectory();
        string binary = dir.File("worker");
        File.WriteAllBytes(binary, [0x7f, 0x00, 0x01, 0x02, (byte)'\n']);
        File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var run = Run(form, ["--death-signal=0", "--parent=0", "--report-fd=1", "--", binary, "worker"]);

        Assert.Equal(127, run.ExitCode);
        Assert.Equal($"8 exec {binary} failed: Exec format error", run.Stdout);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void TheWorkerRunsAsTheUserWithItsGroupsAndKeepsItsDeathSignalAfterTheSwitch(string form)
    {
        var run = Run(form, [$"--death-signal={SigTerm}", $"--parent={System.Environment.ProcessId}", $"--user={TestUser.Name}", .. Reporter]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        // The kernel clears the death signal on a credential change: it must have been set after it.
        Assert.EndsWith($" {SigTerm}", Summary(run));
        Assert.Equal(string.Join('\t', Enumerable.Repeat(TestUser.Uid, 4)), Field(run, "Uid"));
        Assert.Equal(string.Join('\t', Enumerable.Repeat(TestUser.Gid, 4)), Field(run, "Gid"));
        Assert.Equal(new[] { TestUser.Gid, TestUser.ExtraGid }.Order(), Field(run, "Groups").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Order());
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AGroupByNumberReplacesTheGroupAndTheUidStays(string form)
    {
        var run = Run(form, ["--death-signal=0", "--parent=0", "--group=1", .. Reporter]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith("0\t", Field(run, "Uid"));
        Assert.Equal("1\t1\t1\t1", Field(run, "Gid"));
        Assert.Equal("1", Field(run, "Groups"));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AnUnknownUserStopsTheWorkerFromStarting(string form)
    {
        var run = Run(form, ["--death-signal=0", "--parent=0", "--user=no-such-user-4711", .. Reporter]);

        Assert.Equal(127, run.ExitCode);
        Assert.Equal(["starterhost: unknown user no-such-user-4711"], run.StderrLines);
    }
}
