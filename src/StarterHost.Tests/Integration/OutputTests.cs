using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>--log-file, --daemonize, and the sockets' options.</summary>
public sealed class OutputTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public OutputTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheLogFileGetsStarterHostsAndTheWorkersOutput()
    {
        string log = _dir.File("log");
        using var starter = StarterProcess.Start(
            ["--port=127.0.0.1:0", $"--log-file={log}", "--", "/bin/sh", "-c", "echo worker says hello; exec sleep 60"]);
        Eventually.True(() => File.Exists(log) && File.ReadAllText(log).Contains("worker says hello") && File.ReadAllText(log).Contains("starting new worker"), "both outputs in the log file");
    }

    [Fact]
    public void OutputRedirectedToAPlainFileKeepsEveryonesLines()
    {
        string log = _dir.File("plain.log");
        // `> file` has no O_APPEND: StarterHost and its worker share one file offset, and a writer
        // that kept an offset of its own would overwrite the other's lines.
        using var starter = StarterProcess.StartProgram("/bin/sh",
            ["-c", $"exec \"$0\" \"$@\" > '{log}' 2>&1", StarterProcess.ExecutablePath,
             "--port=127.0.0.1:0", "--interval=0.1", "--", "/bin/sh", "-c", $"echo worker says {new string('x', 200)}; exec sleep 60"]);
        Eventually.True(() => File.Exists(log) && File.ReadAllText(log) is var text
            && text.Contains("worker says xxx") && text.Contains("starting now...") && text.Contains("listening on") && text.Contains("starting new worker"),
            "StarterHost's lines and the worker's in the file");
    }

    [Fact]
    public void TheLogFileCanBeACommand()
    {
        string log = _dir.File("piped");
        using var starter = StarterProcess.Start(
            ["--port=127.0.0.1:0", $"--log-file=| sed -u -e 's/^/piped: /' >> {log}", "--", "/bin/sh", "-c", "echo from worker; exec sleep 60"]);
        Eventually.True(() => File.Exists(log) && File.ReadAllText(log).Contains("piped: from worker") && File.ReadAllText(log).Contains("piped: ") && File.ReadAllText(log).Contains("starting new worker"), "output through the command");
    }

    [Fact]
    public void DaemonizeDetachesAndReturnsOnceServing()
    {
        string pidFile = _dir.File("pid"), log = _dir.File("log");
        var (code, output) = StarterProcess.Run(
            ["--port=127.0.0.1:0", "--daemonize", $"--log-file={log}", $"--pid-file={pidFile}", "--interval=0.1", .. _worker.Command],
            _worker.Environment);
        int daemon = 0;
        try
        {
            Assert.True(code == 0, output);
            daemon = int.Parse(File.ReadAllText(pidFile).Trim());
            Eventually.True(() => File.ReadAllText(log).Contains("starting new worker"), "the daemon's log in the log file");
            int worker = int.Parse(_worker.Events.WaitFor(@"ready .*gen=1 pid=(?<pid>\d+)").Groups["pid"].Value);
            // A session of its own: no terminal can hang it up.
            string stat = File.ReadAllText($"/proc/{daemon}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            Assert.Equal(daemon.ToString(), fields[3]); // session id
            // The launcher's pipe is the daemon's business, not the worker's.
            Assert.DoesNotContain(File.ReadAllText($"/proc/{worker}/environ").Split('\0'), v => v.StartsWith("STARTERHOST_DAEMON", StringComparison.Ordinal));
        }
        finally
        {
            // Whatever failed above, a daemon that wrote its pid file is stopped.
            if (daemon > 0 || File.Exists(pidFile))
                StarterProcess.Run(["--stop", $"--pid-file={pidFile}", "--timeout=30"]);
        }
        Assert.False(File.Exists(pidFile));
        Assert.Contains("exiting", File.ReadAllText(log));
    }

    [Fact]
    public void ADaemonsLogFileBeginsWithItsStartUpLines()
    {
        string pidFile = _dir.File("pid"), log = _dir.File("log");
        var (code, output) = StarterProcess.Run(
            ["--port=127.0.0.1:0", "--daemonize", $"--log-file={log}", $"--pid-file={pidFile}", "--interval=0.1", .. _worker.Command],
            _worker.Environment, _dir.Path);
        try
        {
            Assert.True(code == 0, output);
            // Nothing on the terminal: the launcher returned once generation 1 served, and the daemon writes to its log.
            Assert.Equal("", output);
            string[] lines = File.ReadAllLines(log);
            Assert.True(lines.Length >= 4, string.Join('\n', lines));
            Assert.Matches(@$" configuration files read: none \(no appsettings.json in {Regex.Escape(_dir.Path)}\)$", lines[0]);
            Assert.Matches(@" starterhost \(pid:\d+\) starting now\.\.\.$", lines[1]);
            Assert.Matches(@" listening on 127\.0\.0\.1:\d+ as 127\.0\.0\.1:0=3$", lines[2]);
            Assert.Matches(@" starting new worker \d+ \(generation 1\)$", lines[3]);
        }
        finally
        {
            StarterProcess.Run(["--stop", $"--pid-file={pidFile}", "--timeout=30"]);
        }
    }

    [Fact]
    public void AForegroundStarterHostWritesEveryLineToItsLogFileAndNoneToTheTerminal()
    {
        string log = _dir.File("log");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--log-file={log}", "--interval=0.1", .. _worker.Command], _worker.Environment);
        _worker.Events.WaitFor("ready .*gen=1");
        Eventually.True(() => File.ReadAllText(log).Contains("is serving"), "generation 1 serving, in the log file");
        starter.Signal(StarterHost.Signals.SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.Equal("", starter.Output);
        string text = File.ReadAllText(log);
        Assert.True(text.IndexOf("starting now", StringComparison.Ordinal) < text.IndexOf("starting new worker", StringComparison.Ordinal), text);
    }

    [Fact]
    public void ALauncherReturnsOnlyOnceGenerationOneServesSoThatRestartWorksAtOnce()
    {
        string pidFile = _dir.File("pid"), status = _dir.File("status");
        var (code, output) = StarterProcess.Run(
            ["--port=127.0.0.1:0", "--daemonize", $"--log-file={_dir.File("log")}", $"--pid-file={pidFile}", $"--status-file={status}", "--interval=1", .. _worker.Command],
            _worker.Environment);
        try
        {
            Assert.True(code == 0, output);
            // Returned at READY, which waits for the status file: a --restart right now has what it needs.
            Assert.Matches(@"^1:\d+\n$", File.ReadAllText(status));
            var (restarted, said) = StarterProcess.Run(["--restart", $"--pid-file={pidFile}", $"--status-file={status}", "--timeout=60"]);
            Assert.True(restarted == 0, said);
        }
        finally
        {
            StarterProcess.Run(["--stop", $"--pid-file={pidFile}", "--timeout=30"]);
        }
    }

    [Fact]
    public void ALauncherWhoseFirstGenerationFailsReturnsWithTheReasonWhileTheDaemonKeepsTrying()
    {
        _worker.Fail();
        string pidFile = _dir.File("pid");
        // Wide enough for the failing worker to exit within it, even on a loaded machine.
        var (code, output) = StarterProcess.Run(
            ["--port=127.0.0.1:0", "--daemonize", $"--log-file={_dir.File("log")}", $"--pid-file={pidFile}", "--interval=2", .. _worker.Command],
            _worker.Environment);
        try
        {
            Assert.Equal(1, code);
            Assert.Matches(@"starterhost: generation 1 failed to start: worker \d+ exited within the interval, status:768 \(exit code 3\); the daemon \(pid \d+\) keeps trying, see its log file", output);
            Assert.True(File.Exists(pidFile), "the daemon gave up");
        }
        finally
        {
            StarterProcess.Run(["--stop", $"--pid-file={pidFile}", "--timeout=30"]);
        }
    }

    [Fact]
    public void ADaemonThatCannotStartTellsTheLauncherWhy()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        string pidFile = _dir.File("pid");
        var (code, output) = StarterProcess.Run(
            [$"--port=127.0.0.1:{port}", "--daemonize", $"--log-file={_dir.File("log")}", $"--pid-file={pidFile}", .. _worker.Command],
            _worker.Environment);
        Assert.Equal(1, code);
        Assert.Contains($"starterhost: failed to bind to 127.0.0.1:{port}: Address already in use", output);
        Assert.False(File.Exists(pidFile), "the daemon that failed left its pid file behind");
        Assert.Empty(_worker.Events.Lines);
    }

    [Fact]
    public void NoOtherProcessCanShareTheListeningPort()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", .. _worker.Command], _worker.Environment);
        int port = starter.BoundPort("127.0.0.1:0");
        // .NET's ReuseAddress sets SO_REUSEPORT too: had StarterHost set it, this bind would succeed
        // and the kernel would split connections between the two.
        using var intruder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        intruder.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        var error = Assert.Throws<SocketException>(() => intruder.Bind(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }
}
