using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using StarterHost.Signals;
using StarterHost.Tests.Support;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>
/// StarterHost with the ASP.NET Core sample (samples/HelloWorker, built with the tests): real Kestrel
/// workers, real sockets, real signals.
/// </summary>
public sealed class HelloWorkerTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string Dll = typeof(HelloWorkerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "HelloWorkerDll").Value!;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private StarterProcess Start(params string[] options) =>
        StarterProcess.Start(["--port=127.0.0.1:0", $"--path={_dir.File("s.sock")}", .. options, "--", "dotnet", Dll]);

    [Fact]
    public void RestartsUnderLoadFailNoRequestAndEveryAnswerComesFromItsGenerationsWorker()
    {
        using var starter = Start("--interval=1");
        int port = starter.BoundPort("127.0.0.1:0");

        var report = RestartsUnderLoad.Run(starter, port, restarts: 3);
        report.WriteTo(output, "HelloWorker under StarterHost, 3 restarts");

        Assert.Empty(report.Failures);
        Assert.Equal([1, 2, 3, 4], report.Answers.Select(a => a.Generation).Distinct().Order().ToArray());
        // Each answer names the pid StarterHost spawned for that generation: no stray or stale process answered.
        Assert.All(report.Answers, a => Assert.Equal(report.WorkerPids[a.Generation!.Value], a.Pid));
        // The old generations are gone and the last one still serves.
        Assert.Equal(new HelloAnswer(4, report.WorkerPids[4]), HttpProbe.Get(port));
    }

    [Fact]
    public void WithNotifyReadinessEachGenerationCountsAsStartedWhenKestrelSaysReady()
    {
        // No interval to guess: the sample's Kestrel integration sends READY=1 once it listens.
        using var starter = Start("--readiness=notify", "--start-timeout=60");
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        starter.WaitForLine($"generation 1 \\(pid {first}\\) is serving");

        var report = RestartsUnderLoad.Run(starter, port, restarts: 2);
        report.WriteTo(output, "HelloWorker under StarterHost --readiness=notify, 2 restarts");
        Assert.Empty(report.Failures);
        Assert.Equal([1, 2, 3], report.Answers.Select(a => a.Generation).Distinct().Order().ToArray());
        Assert.DoesNotContain("sent no READY=1", starter.Output);
    }

    [Fact]
    public async Task ARequestInFlightIsFinishedByTheOldGenerationAfterItIsToldToStop()
    {
        using var starter = Start("--interval=1");
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        Assert.Equal(new HelloAnswer(1, first), HttpProbe.Get(port));

        // Generation 1 alone accepts this one; TERM comes at least --interval later, long after Kestrel read it.
        var inFlight = HttpProbe.GetAsync(port, "/?delay=3000");
        starter.Signal(SignalNames.Hup);
        starter.WaitForLine($"sending TERM to old workers:{first}");
        Assert.False(inFlight.IsCompleted, "the slow request finished before the old worker was told to stop");

        Assert.Equal(new HelloAnswer(1, first), await inFlight.WaitAsync(StarterProcess.DefaultTimeout));
        starter.WaitForLine($"old worker {first} died, status:0");
        Assert.Equal(2, HttpProbe.Get(port).Generation);
    }

    [Fact]
    public void EveryInheritedSocketIsServedTcpAndUnix()
    {
        using var starter = Start("--interval=0.5");
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        Assert.Equal(new HelloAnswer(1, first), HttpProbe.Get(port));
        Assert.Equal(new HelloAnswer(1, first), HttpProbe.Get(new System.Net.Sockets.UnixDomainSocketEndPoint(_dir.File("s.sock"))));
    }

    [Theory]
    [InlineData("8080", "SERVER_STARTER_PORT=\"8080\" is malformed: entry '8080' has no '=': expected key=fd")]
    [InlineData("127.0.0.1:8080=900", "SERVER_STARTER_PORT entry 127.0.0.1:8080=900: inherited fd 900 is not an open socket")]
    public async Task ABadServerStarterPortStopsTheSampleNamingTheValue(string value, string expected)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Dll);
        info.Environment["SERVER_STARTER_PORT"] = value;
        using var sample = Process.Start(info)!;
        var stdout = sample.StandardOutput.ReadToEndAsync();
        string stderr = sample.StandardError.ReadToEnd();
        Assert.True(sample.WaitForExit(StarterProcess.DefaultTimeout), "the sample did not exit");
        Assert.NotEqual(0, sample.ExitCode);
        Assert.Contains(expected, stderr + await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AloneTheSampleFallsBackToItsUrls()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        info.ArgumentList.Add(Dll);
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment.Remove("SERVER_STARTER_PORT");
        info.Environment.Remove("SERVER_STARTER_GENERATION");
        using var sample = Process.Start(info)!;
        try
        {
            var listening = new Regex(@"Now listening on: http://127\.0\.0\.1:(\d+)");
            Match? match = null;
            while (sample.StandardOutput.ReadLine() is { } line && !(match = listening.Match(line)).Success)
            {
            }
            Assert.True(match?.Success, "the sample did not say where it listens");
            Assert.Equal(new HelloAnswer(null, sample.Id), HttpProbe.Get(int.Parse(match!.Groups[1].Value)));
        }
        finally
        {
            sample.Kill();
            sample.WaitForExit();
        }
    }
}
