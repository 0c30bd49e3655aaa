using System.Diagnostics;
using System.Text.Json;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// The repository's own appsettings.json, run as `dotnet run --project src/StarterHost` runs it (from the
/// repository root), with only the port and the files moved so that a developer's running copy is not disturbed.
/// </summary>
public sealed class ShippedConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheShippedConfigurationServesTheSampleAndRestartsOnRequest()
    {
        string root = Repository.Root;
        string[] moved = ["--Starter:Port=127.0.0.1:0", $"--Starter:PidFile={_dir.File("pid")}", $"--Starter:StatusFile={_dir.File("status")}"];
        using var starter = StarterProcess.Start(moved, workingDirectory: root);
        int port = starter.BoundPort("127.0.0.1:0");
        int first = starter.WorkerPid(1);
        // Connections queue on the bound socket until Kestrel in the new worker accepts them.
        Assert.Equal(new HelloAnswer(1, first), HttpProbe.Get(port));

        // The restart command works against the shipped configuration's pid and status files, once
        // generation 1 has started (lived the configured interval) and is in the status file.
        Eventually.True(() => File.Exists(_dir.File("status")), "generation 1 in the status file");
        var (code, said) = StarterProcess.Run(["--restart", .. moved, "--timeout=60"], workingDirectory: root);
        Assert.True(code == 0, said);
        Assert.Equal(new HelloAnswer(2, starter.WorkerPid(2)), HttpProbe.Get(port));

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }

    /// <summary>The configuration these tests were built in, which `dotnet run --no-build` must run.</summary>
    private static string BuildConfiguration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>
    /// `dotnet run -c Release` builds the sample where the shipped configuration names it: the project reference
    /// builds it in Debug whatever StarterHost's configuration, so samples/HelloWorker/bin/Debug/ is there.
    /// </summary>
    [Theory]
    [InlineData("Debug")]
    [InlineData("Release")]
    public void DotnetRunBuildsTheSampleWhereTheShippedConfigurationNamesItInEitherConfiguration(string configuration)
    {
        string root = Repository.Root;
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "appsettings.json")));
        string dll = settings.RootElement.GetProperty("Starter").GetProperty("Command")[1].GetString()!;
        Assert.Equal("samples/HelloWorker/bin/Debug/net10.0/HelloWorker.dll", dll);

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["msbuild", "src/StarterHost/StarterHost.csproj", $"-p:Configuration={configuration}", "-getItem:ProjectReference", "-nodeReuse:false"])
            info.ArgumentList.Add(arg);
        using var msbuild = Process.Start(info)!;
        string json = msbuild.StandardOutput.ReadToEnd();
        Assert.True(msbuild.WaitForExit(StarterProcess.DefaultTimeout * 4), "dotnet msbuild did not finish");
        using var items = JsonDocument.Parse(json);
        var sample = Assert.Single(items.RootElement.GetProperty("Items").GetProperty("ProjectReference").EnumerateArray(),
            item => item.GetProperty("Filename").GetString() == "HelloWorker");
        Assert.Equal("Configuration=Debug", sample.GetProperty("SetConfiguration").GetString());
    }

    /// <summary>
    /// README's way to stop `dotnet run`: Ctrl-C (SIGINT to the terminal's foreground process group, which holds
    /// `dotnet run` and StarterHost, not the workers), or SIGTERM to `dotnet run`, which forwards it. (SIGINT to
    /// `dotnet run` alone does nothing: it leaves Ctrl-C to its child, which the terminal told already.)
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DotnetRunStopsOnCtrlCAndOnTermAsReadmeSays(bool ctrlC)
    {
        string root = Repository.Root;
        // setsid: a process group of its own, as a terminal gives a foreground job, so that the test can be its Ctrl-C.
        using var run = StarterProcess.StartProgram("setsid",
            ["dotnet", "run", "--no-build", "-c", BuildConfiguration, "--project", "src/StarterHost", "--",
             "--port=127.0.0.1:0", $"--pid-file={_dir.File("pid")}", $"--status-file={_dir.File("status")}", "--interval=0.1",
             "--", "perl", "samples/perl-hello/hello.pl"],
            workingDirectory: root);
        int port = run.BoundPort("127.0.0.1:0");
        int worker = run.WorkerPid(1);
        Assert.Equal(new HelloAnswer(1, worker), HttpProbe.Get(port));
        if (ctrlC)
            Posix.SendGroupSignal(run.Pid, SignalNames.Int);
        else
            run.Signal(SignalNames.Term);
        run.WaitForLine($"worker {worker} died");
        run.WaitForLine("^\\S+ \\S+ exiting$");
        run.WaitForExit();
        Assert.False(File.Exists(_dir.File("pid")));
    }
}
