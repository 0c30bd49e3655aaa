using System.Reflection;
using StarterHost.Signals;
using StarterHost.Tests.Support;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>
/// <c>--listen-fds</c>: the listeners handed over as systemd's socket activation hands them (sd_listen_fds(3)),
/// to a shell that shows what it got, and to servers nobody here wrote, restarted under load.
/// </summary>
public sealed class ListenFdsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string SystemdSocketWorkerDll = typeof(ListenFdsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SystemdSocketWorkerDll").Value!;

    // What the worker sees, on one line of StarterHost's output: its pid, the variables, what fds 3 and 4 are.
    private static readonly string[] ShowingWorker =
    [
        "--", "sh", "-c",
        "echo \"worker $$ pid=$LISTEN_PID fds=$LISTEN_FDS names=$LISTEN_FDNAMES port=$SERVER_STARTER_PORT fd3=$(readlink /proc/$$/fd/3) fd4=$(readlink /proc/$$/fd/4)\"; exec sleep 1000",
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AWorkerGetsItsOwnPidAsListenPidAndItsListenersFromFd3InOrder()
    {
        string path = _dir.File("s.sock");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--path={path}", "--listen-fds", "--interval=0.1", .. ShowingWorker]);
        int pid = starter.WorkerPid(1);
        var seen = starter.WaitForLine($@"^worker {pid} pid=(\d*) fds=(\d*) names=(\S*) port=(\S*) fd3=(\S*) fd4=(\S*)$").Groups;

        Assert.Equal(pid.ToString(), seen[1].Value);
        Assert.Equal("2", seen[2].Value);
        Assert.Equal($"127.0.0.1_0:{path}", seen[3].Value);
        Assert.Equal($"127.0.0.1:0=3;{path}=4", seen[4].Value);
        Assert.StartsWith("socket:[", seen[5].Value);
        Assert.StartsWith("socket:[", seen[6].Value);
    }

    [Fact]
    public void NamesGivenAreUsedAndLISTEN_PIDIsRightWithoutTheDeathSignalToo()
    {
        using var starter = StarterProcess.Start(
            ["--port=127.0.0.1:0", "--port=127.0.0.1:0=4", "--listen-fds", "--listen-fdnames=web:admin api", "--no-death-signal", "--interval=0.1", .. ShowingWorker]);
        int pid = starter.WorkerPid(1);
        var seen = starter.WaitForLine($@"^worker {pid} pid=(\d*) fds=(\d*) names=(.*) port=").Groups;

        Assert.Equal(pid.ToString(), seen[1].Value);
        Assert.Equal("2", seen[2].Value);
        Assert.Equal("web:admin api", seen[3].Value);
    }

    [Theory]
    // One row launched, to prove the wiring; Configuration/RefusalTests runs the table in-process.
    [InlineData(new[] { "--port=127.0.0.1:0=5", "--listen-fds" }, "--port 127.0.0.1:0=5 conflicts with --listen-fds, which passes the listeners at fds 3 upward in order: this one is fd 3")]
    public void AContradictionIsRefusedAtStart(string[] args, string expected)
    {
        var (code, text) = StarterProcess.Run([.. args, "--", "true"]);
        Assert.Equal(1, code);
        Assert.Contains(expected, text);
        Assert.DoesNotContain("starting new worker", text);
    }

    /// <summary>gunicorn (Debian's) takes LISTEN_FDS when LISTEN_PID is its pid, and says READY=1 itself: no --bind, no code of ours.</summary>
    [Fact]
    public void GunicornTakesTheSocketsBySocketActivationAndIsRestartedUnderLoadWithoutAFailedRequest()
    {
        string gunicorn = ThirdPartyWorkerTests.Which("gunicorn") ?? throw new InvalidOperationException("gunicorn not found: install Debian's gunicorn package (.ci/run does)");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--listen-fds", "--readiness=notify", "--start-timeout=60", "--",
            gunicorn, "--workers", "2", "--chdir", Path.Combine(AppContext.BaseDirectory, "Workers"), "hello_wsgi:app"]);
        int port = starter.BoundPort("127.0.0.1:0");
        starter.WaitForLine($"generation 1 \\(pid {starter.WorkerPid(1)}\\) is serving");

        var report = RestartsUnderLoad.Run(starter, port, restarts: 2);
        output.WriteLine($"gunicorn --listen-fds, 2 restarts: {report}");
        foreach (string failure in report.Failures)
            output.WriteLine(failure);
        Assert.Empty(report.Failures);
        Assert.Equal([1, 2, 3], report.Answers.Select(a => a.Generation).Distinct().Order().ToArray());
        // Not its default 127.0.0.1:8000: it served what it was handed.
        Assert.DoesNotContain("Listening at: http://127.0.0.1:8000", starter.Output);

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }

    /// <summary>
    /// samples/SystemdSocketWorker: Kestrel with Microsoft's UseSystemd() listener, nothing of StarterHost; it
    /// serves every socket handed over (TCP and unix), and stops accepting before Kestrel stops (without that,
    /// Kestrel's stop drops a few connections it accepted but had not read, in about one run in five here). Interval readiness: Microsoft.Extensions.Hosting.Systemd 10
    /// takes itself for a systemd service only when its parent is systemd, so AddSystemd() sends no READY=1 here.
    /// </summary>
    [Fact]
    public void AKestrelAppUsingOnlyMicrosoftsUseSystemdIsRestartedUnderLoadWithoutAFailedRequest()
    {
        string path = _dir.File("s.sock");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--path={path}", "--listen-fds", "--interval=1", "--",
            "dotnet", SystemdSocketWorkerDll]);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        Assert.Equal(new HelloAnswer(1, first), HttpProbe.Get(new System.Net.Sockets.UnixDomainSocketEndPoint(path)));

        var report = RestartsUnderLoad.Run(starter, port, restarts: 3);
        output.WriteLine($"SystemdSocketWorker --listen-fds, 3 restarts: {report}");
        foreach (string failure in report.Failures)
            output.WriteLine(failure);
        Assert.Empty(report.Failures);
        Assert.Equal([1, 2, 3, 4], report.Answers.Select(a => a.Generation).Distinct().Order().ToArray());
        Assert.All(report.Answers, a => Assert.Equal(report.WorkerPids[a.Generation!.Value], a.Pid));

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }
}
