using System.Net;
using System.Net.Sockets;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>Bad input: one line naming the bad value, a non-zero exit, nothing bound or spawned.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(new[] { "--port=8080" }, "server program not specified")]
    [InlineData(new[] { "--port=abc", "--", "true" }, "invalid ``port'' value:abc")]
    [InlineData(new[] { "--port=70000", "--", "true" }, "invalid ``port'' value:70000: port 70000 is out of range (0-65535)")]
    [InlineData(new[] { "--port=[::1:8080", "--", "true" }, "invalid ``port'' value:[::1:8080")]
    [InlineData(new[] { "--port=127.0.0.1:0=3", "--port=127.0.0.1:0=3", "--", "true" }, "file descriptor 3 is requested by more than one --port")]
    [InlineData(new[] { "--bogus", "--", "true" }, "Unknown option: bogus")]
    [InlineData(new[] { "--signal-on-hup=FOO", "--", "true" }, "Starter:SignalOnHup=FOO (--signal-on-hup): unknown signal name")]
    [InlineData(new[] { "--signal-on-term=SIGNOPE", "--", "true" }, "Starter:SignalOnTerm=SIGNOPE (--signal-on-term): unknown signal name")]
    [InlineData(new[] { "--interval=-1", "--", "true" }, "Starter:Interval=-1 (--interval) is out of range")]
    [InlineData(new[] { "--interval=soon", "--", "true" }, "Value \"soon\" invalid for option interval (number expected)")]
    [InlineData(new[] { "--envdir=/nonexistent/envdir", "--", "true" }, "Starter:EnvDir=/nonexistent/envdir (--envdir)")]
    [InlineData(new[] { "--dir=/nonexistent/dir", "--", "true" }, "Starter:Dir=/nonexistent/dir (--dir): no such directory")]
    [InlineData(new[] { "--restart" }, "--restart option requires --pid-file and --status-file")]
    [InlineData(new[] { "--restart", "--pid-file=/tmp/x.pid" }, "--restart option requires --pid-file and --status-file")]
    [InlineData(new[] { "--stop" }, "--stop option requires --pid-file")]
    [InlineData(new[] { "--daemonize", "--", "true" }, "--daemonize requires --log-file")]
    [InlineData(new[] { "--", "no-such-command-4711" }, "command not found: no-such-command-4711")]
    [InlineData(new[] { "--", "/nonexistent/bin/server" }, "command not found: /nonexistent/bin/server")]
    [InlineData(new[] { "--", "/tmp" }, "command is a directory: /tmp")]
    [InlineData(new[] { "--Starter:Port:0=nope", "--", "true" }, "invalid ``port'' value:nope")]
    [InlineData(new[] { "--Starter:Backlog=many", "--", "true" }, "'many'")]
    public void IsRefusedWithOneLineBeforeAnythingIsSpawned(string[] args, string expected)
    {
        var (code, output) = StarterProcess.Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, output);
        AssertNothingStarted(output);
    }

    [Fact]
    public void ACommandWithoutExecutePermissionIsReportedAsSuch()
    {
        string script = _dir.File("server.sh");
        File.WriteAllText(script, "#!/bin/sh\n");
        var (code, output) = StarterProcess.Run(["--", script]);
        Assert.NotEqual(0, code);
        Assert.Contains($"command is not executable: {script}", output);
        AssertNothingStarted(output);
    }

    [Fact]
    public void APortInUseIsNamed()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var (code, output) = StarterProcess.Run([$"--port=127.0.0.1:{port}", "--", "true"]);
        Assert.Equal(1, code);
        Assert.Contains($"failed to bind to 127.0.0.1:{port}: Address already in use", output);
        AssertNothingStarted(output);
    }

    [Fact]
    public void ALockedPidFileRefusesASecondInstance()
    {
        var worker = new TestWorker(_dir);
        string pidFile = _dir.File("pid");
        using var first = StarterProcess.Start(["--port=127.0.0.1:0", $"--pid-file={pidFile}", .. worker.Command], worker.Environment);
        first.WorkerPid(1);
        Assert.Equal($"{first.Pid}\n", File.ReadAllText(pidFile));

        var (code, output) = StarterProcess.Run(["--port=127.0.0.1:0", $"--pid-file={pidFile}", "--", "true"]);
        Assert.Equal(1, code);
        Assert.Contains($"pid file {pidFile} is locked by another running instance (pid {first.Pid})", output);
        AssertNothingStarted(output);
        Assert.Equal($"{first.Pid}\n", File.ReadAllText(pidFile));
    }

    [Fact]
    public void AUnixSocketSomeoneListensOnIsNotTakenOver()
    {
        string path = _dir.File("busy.sock");
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(path));
        other.Listen();
        var (code, output) = StarterProcess.Run([$"--path={path}", "--", "true"]);
        Assert.Equal(1, code);
        Assert.Contains($"failed to listen to file {path}: another process is listening on it", output);
        Assert.True(File.Exists(path));
    }

    private static void AssertNothingStarted(string output)
    {
        Assert.DoesNotContain("starting new worker", output);
        Assert.DoesNotContain("listening on", output);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("starterhost: ", StringComparison.Ordinal));
    }
}
