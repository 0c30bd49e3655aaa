using StarterHost.Signals;
using StarterHost.Tests.Support;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>
/// Servers nobody here wrote, hot-deployed by StarterHost: they speak SERVER_STARTER_PORT, or sd_notify.
/// They come from Debian packages that .ci/run installs; the tests install nothing.
/// </summary>
public sealed class ThirdPartyWorkerTests(ITestOutputHelper output)
{
    private static string Psgi => Path.Combine(AppContext.BaseDirectory, "Workers", "hello.psgi");

    /// <summary>Starlet (Debian package starlet), a preforking PSGI server, reads the sockets with Server::Starter::server_ports().</summary>
    [Fact]
    public void StarletIsRestartedUnderLoadWithoutAFailedRequest()
    {
        string plackup = Which("plackup") ?? throw new InvalidOperationException("plackup not found: install Debian's starlet package (.ci/run does)");
        // -E deployment: no access log on stderr for every request of the load.
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--interval=1", "--", plackup, "-s", "Starlet", "-E", "deployment", "--max-workers=4", Psgi]);
        int port = starter.BoundPort("127.0.0.1:0");
        Eventually.True(() => TryGet(port), "Starlet to answer");

        var report = RestartsUnderLoad.Run(starter, port, restarts: 3);
        report.WriteTo(output, "Starlet under StarterHost, 3 restarts");

        Assert.Empty(report.Failures);
        Assert.Equal([1, 2, 3, 4], report.Answers.Select(a => a.Generation).Distinct().Order().ToArray());
        Assert.Equal(4, HttpProbe.Get(port).Generation);

        // Starlet forks; a TERM to StarterHost must bring the whole tree down in order.
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }

    /// <summary>
    /// gunicorn (Debian package gunicorn) knows nothing of StarterHost: it serves the fd it is told to and
    /// sends READY=1 to NOTIFY_SOCKET by itself, so --readiness=notify needs no code in it.
    /// </summary>
    [Fact]
    public void GunicornIsRestartedWithNotifyReadinessUnderLoadWithoutAFailedRequest()
    {
        string gunicorn = Which("gunicorn") ?? throw new InvalidOperationException("gunicorn not found: install Debian's gunicorn package (.ci/run does)");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--readiness=notify", "--start-timeout=60", "--",
            gunicorn, "--bind", "fd://3", "--workers", "2", "--chdir", Path.Combine(AppContext.BaseDirectory, "Workers"), "hello_wsgi:app"]);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        starter.WaitForLine($"worker {first} \\(generation 1\\) status: Gunicorn arbiter booted");
        starter.WaitForLine($"generation 1 \\(pid {first}\\) is serving");

        var report = RestartsUnderLoad.Run(starter, port, restarts: 2);
        report.WriteTo(output, "gunicorn under StarterHost --readiness=notify, 2 restarts");
        Assert.Empty(report.Failures);
        Assert.Equal([1, 2, 3], report.Answers.Select(a => a.Generation).Distinct().Order().ToArray());

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }

    private static bool TryGet(int port)
    {
        try
        {
            HttpProbe.Get(port);
            return true;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException or OperationCanceledException)
        {
            return false;
        }
    }

    internal static string? Which(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
