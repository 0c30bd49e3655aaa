using System.Net;
using System.Net.Sockets;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// Bad input on the command line: exactly one line on stderr naming the bad value, exit 1, nothing
/// bound or spawned. Each row is the whole line. ({dir} is the test's working directory.)
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private const string NoServer = "server program not specified: give the worker command after \"--\" (or as Starter:Command; configuration files read: none (no appsettings.json in {dir}))";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(new[] { "--port=8080" }, NoServer)]
    [InlineData(new[] { "--port=abc", "--", "true" }, "invalid ``port'' value:abc: expected PORT, HOST:PORT or [IPV6]:PORT, optionally with a 'u' before the port for UDP and =FD after it")]
    [InlineData(new[] { "--port=70000", "--", "true" }, "invalid ``port'' value:70000: port 70000 is out of range (0-65535)")]
    [InlineData(new[] { "--port=[::1:8080", "--", "true" }, "invalid ``port'' value:[::1:8080: expected PORT, HOST:PORT or [IPV6]:PORT, optionally with a 'u' before the port for UDP and =FD after it")]
    [InlineData(new[] { "--port=127.0.0.1:0=3", "--port=127.0.0.1:0=3", "--", "true" }, "file descriptor 3 is requested by more than one --port")]
    [InlineData(new[] { "--bogus", "--", "true" }, "Unknown option: bogus")]
    [InlineData(new[] { "--prot=8080", "--", "true" }, "Unknown option: prot; did you mean --port?")]
    [InlineData(new[] { "--pidfile=x.pid", "--", "true" }, "Unknown option: pidfile; did you mean --pid-file?")]
    [InlineData(new[] { "--deamonize", "--", "true" }, "Unknown option: deamonize; did you mean --daemonize?")]
    [InlineData(new[] { "--signal-on", "--", "true" }, "Option signal-on is ambiguous (signal-on-hup, signal-on-term)")]
    [InlineData(new[] { "--port" }, "Option port requires an argument")]
    [InlineData(new[] { "--stop=now" }, "Option stop does not take an argument")]
    [InlineData(new[] { "--signal-on-hup=FOO", "--", "true" }, "Starter:SignalOnHup=FOO (--signal-on-hup): unknown signal name")]
    [InlineData(new[] { "--signal-on-term=SIGNOPE", "--", "true" }, "Starter:SignalOnTerm=SIGNOPE (--signal-on-term): unknown signal name")]
    [InlineData(new[] { "--interval=-1", "--", "true" }, "Starter:Interval=-1 (--interval) is out of range: expected 0 to 86400")]
    [InlineData(new[] { "--interval=soon", "--", "true" }, "Value \"soon\" invalid for option interval (number expected)")]
    [InlineData(new[] { "--backlog=-1", "--", "true" }, "Starter:Backlog=-1 (--backlog) is out of range: expected 1 to 2147483647")]
    [InlineData(new[] { "--backlog=99999999999", "--", "true" }, "Starter:Backlog=99999999999 (--backlog) is out of range: expected 1 to 2147483647")]
    [InlineData(new[] { "--max-start-failures=99999999999", "--", "true" }, "Starter:MaxStartFailures=99999999999 (--max-start-failures) is out of range: expected 0 to 2147483647")]
    [InlineData(new[] { "--workers=99999999999", "--", "true" }, "Starter:Workers=99999999999 (--workers) is out of range: expected 1 to 4096")]
    [InlineData(new[] { "--max-worker-rss=-99999999999", "--", "true" }, "Starter:MaxWorkerRss=-99999999999 (--max-worker-rss) is out of range: expected 0 to 1048576")]
    [InlineData(new[] { "--envdir=/nonexistent/envdir", "--", "true" }, "Starter:EnvDir=/nonexistent/envdir (--envdir): No such file or directory")]
    [InlineData(new[] { "--envdir=/etc/passwd", "--", "true" }, "Starter:EnvDir=/etc/passwd (--envdir): Not a directory")]
    [InlineData(new[] { "--dir=/nonexistent/dir", "--", "true" }, "Starter:Dir=/nonexistent/dir (--dir): no such directory")]
    [InlineData(new[] { "--restart" }, "--restart option requires --pid-file and --status-file to be set as well (Starter:PidFile, Starter:StatusFile)")]
    [InlineData(new[] { "--restart", "--pid-file=/tmp/x.pid" }, "--restart option requires --pid-file and --status-file to be set as well (Starter:PidFile, Starter:StatusFile)")]
    [InlineData(new[] { "--stop" }, "--stop option requires --pid-file to be set as well (Starter:PidFile)")]
    [InlineData(new[] { "--status" }, "--status option requires --status-json to be set as well (Starter:StatusJson)")]
    [InlineData(new[] { "--status-json=/tmp/x.status", "--status-file=/tmp/x.status", "--", "true" }, "Starter:StatusJson=/tmp/x.status (--status-json) is also --status-file")]
    [InlineData(new[] { "--status-json=/tmp/x.status.failure", "--status-file=/tmp/x.status", "--", "true" }, "Starter:StatusJson=/tmp/x.status.failure (--status-json) is also the status file's .failure companion")]
    [InlineData(new[] { "--daemonize", "--", "true" }, "--daemonize requires --log-file (Starter:LogFile): a detached process has no terminal to write to")]
    [InlineData(new[] { "--", "no-such-command-4711" }, "command not found: no-such-command-4711 (searched PATH=/usr/bin:/bin)")]
    [InlineData(new[] { "--", "/nonexistent/bin/server" }, "command not found: /nonexistent/bin/server")]
    [InlineData(new[] { "--", "/tmp" }, "command is a directory: /tmp")]
    [InlineData(new[] { "--", "python3 app.py" }, "command not found: python3 app.py (searched PATH=/usr/bin:/bin); a command is a list, the program then its arguments: [\"python3\", \"app.py\"]")]
    [InlineData(new[] { "--path=/nonexistent/dir/s.sock", "--", "true" }, "failed to listen to file /nonexistent/dir/s.sock: No such file or directory")]
    [InlineData(new[] { "--path=/etc/passwd/s.sock", "--", "true" }, "failed to listen to file /etc/passwd/s.sock: Not a directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--log-file=/nonexistent/dir/log", "--", "true" }, "failed to open log file:/nonexistent/dir/log: No such file or directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--status-file=/nonexistent/dir/status", "--", "true" }, "Starter:StatusFile=/nonexistent/dir/status (--status-file): cannot create files in /nonexistent/dir: No such file or directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--status-file=/etc/passwd/status", "--", "true" }, "Starter:StatusFile=/etc/passwd/status (--status-file): cannot create files in /etc/passwd: Not a directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--status-json=/nonexistent/dir/status.json", "--", "true" }, "Starter:StatusJson=/nonexistent/dir/status.json (--status-json): cannot create files in /nonexistent/dir: No such file or directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--pid-file=/nonexistent/dir/pid", "--", "true" }, "failed to open pid file /nonexistent/dir/pid: open(/nonexistent/dir/pid) failed: No such file or directory")]
    [InlineData(new[] { "--config=missing.json", "--", "true" }, "--config=missing.json: No such file or directory")]
    [InlineData(new[] { "--config=/tmp", "--", "true" }, "--config=/tmp: Is a directory")]
    public void IsRefusedWithOneLineBeforeAnythingIsSpawned(string[] args, string expected)
    {
        var run = OneShot.Run(args, new Dictionary<string, string?> { ["PATH"] = "/usr/bin:/bin" }, _dir.Path);
        run.AssertRefused(expected.Replace("{dir}", _dir.Path, StringComparison.Ordinal));
    }

    [Fact]
    public void ACommandWithoutExecutePermissionIsReportedAsSuch()
    {
        string script = _dir.File("server.sh");
        File.WriteAllText(script, "#!/bin/sh\n");
        OneShot.Run(["--", script], workingDirectory: _dir.Path).AssertRefused($"command is not executable: {script}: Permission denied");
    }

    [Fact]
    public void APortInUseIsNamed()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        // The first port is bound (and said so in a held-back line) before the second fails.
        OneShot.Run(["--port=127.0.0.1:0", $"--port=127.0.0.1:{port}", "--", "true"], workingDirectory: _dir.Path)
            .AssertRefused($"failed to bind to 127.0.0.1:{port}: Address already in use");
    }

    [Fact]
    public void ALockedPidFileRefusesASecondInstance()
    {
        var worker = new TestWorker(_dir);
        string pidFile = _dir.File("pid");
        using var first = StarterProcess.Start(["--port=127.0.0.1:0", $"--pid-file={pidFile}", .. worker.Command], worker.Environment);
        first.WorkerPid(1);
        Assert.Equal($"{first.Pid}\n", File.ReadAllText(pidFile));

        OneShot.Run(["--port=127.0.0.1:0", $"--pid-file={pidFile}", "--", "true"], workingDirectory: _dir.Path)
            .AssertRefused($"pid file {pidFile} is locked by another running instance (pid {first.Pid})");
        Assert.Equal($"{first.Pid}\n", File.ReadAllText(pidFile));
    }

    [Fact]
    public void AUnixSocketSomeoneListensOnIsNotTakenOver()
    {
        string path = _dir.File("busy.sock");
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(path));
        other.Listen();
        OneShot.Run([$"--path={path}", "--", "true"], workingDirectory: _dir.Path)
            .AssertRefused($"failed to listen to file {path}: another process is listening on it");
        Assert.True(File.Exists(path));
    }
}
