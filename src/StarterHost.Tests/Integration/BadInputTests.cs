using System.Net;
using System.Net.Sockets;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// Bad input on the command line: exactly one line on stderr naming the bad value, exit 1, nothing
/// bound or spawned. Each row is the whole line. ({dir} is the test's working directory.) The rows here launch
/// StarterHost: one for each stage that can refuse (the parser, configuration files, each kind of validator, binding
/// the sockets, the pid file), to prove the wiring; the table of every refusal runs in-process
/// (Configuration/RefusalTests, DeclaredOptionTests).
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private const string NoServer = "server program not specified: give the worker command after \"--\" (or as Starter:Command; configuration files read: none (no appsettings.json in {dir}))";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(new[] { "--port=8080" }, NoServer)]
    [InlineData(new[] { "--prot=8080", "--", "true" }, "Unknown option: prot; did you mean --port?")]
    [InlineData(new[] { "--interval=-1", "--", "true" }, "Starter:Interval=-1 (--interval) is out of range: expected 0 to 86400")]
    [InlineData(new[] { "--backlog=99999999999", "--", "true" }, "Starter:Backlog=99999999999 (--backlog) is out of range: expected 1 to 2147483647")]
    [InlineData(new[] { "--restart" }, "--restart option requires --pid-file and --status-file to be set as well (Starter:PidFile, Starter:StatusFile)")]
    [InlineData(new[] { "--daemonize", "--", "true" }, "--daemonize requires --log-file (Starter:LogFile): a detached process has no terminal to write to")]
    [InlineData(new[] { "--", "no-such-command-4711" }, "command not found: no-such-command-4711 (searched PATH=/usr/bin:/bin)")]
    [InlineData(new[] { "--path=/nonexistent/dir/s.sock", "--", "true" }, "failed to listen to file /nonexistent/dir/s.sock: No such file or directory")]
    [InlineData(new[] { "--path=/etc/passwd/s.sock", "--", "true" }, "failed to listen to file /etc/passwd/s.sock: Not a directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--pid-file=/nonexistent/dir/pid", "--", "true" }, "failed to open pid file /nonexistent/dir/pid: open(/nonexistent/dir/pid) failed: No such file or directory")]
    [InlineData(new[] { "--config=missing.json", "--", "true" }, "--config=missing.json: No such file or directory")]
    [InlineData(new[] { "--metrics=9100", "--", "true" }, "Starter:Metrics=9100 (--metrics): expected HOST:PORT, [IPV6]:PORT or unix:PATH")]
    public void IsRefusedWithOneLineBeforeAnythingIsSpawned(string[] args, string expected)
    {
        var run = OneShot.Run(args, new Dictionary<string, string?> { ["PATH"] = "/usr/bin:/bin" }, _dir.Path);
        run.AssertRefused(expected.Replace("{dir}", _dir.Path, StringComparison.Ordinal));
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
    public void AMetricsPortInUseIsNamed()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        OneShot.Run(["--port=127.0.0.1:0", $"--metrics=127.0.0.1:{port}", "--", "true"], workingDirectory: _dir.Path)
            .AssertRefused($"failed to bind the metrics endpoint to 127.0.0.1:{port}: Address already in use");
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
