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

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StarterHost.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no StarterHost.sln above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void TheShippedConfigurationServesTheSampleAndRestartsOnRequest()
    {
        string root = RepositoryRoot();
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
}
