using StarterHost.Hosting;
using StarterHost.Status;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Status;

/// <summary>
/// The pid file is written by StarterHost, often root, in a directory someone else may write to: whatever was
/// planted at its name is never written through, and a file left by a dead instance is taken over.
/// </summary>
public sealed class PidFileTests : IDisposable
{
    private const string Secret = "root:secret:19000:0:99999:7:::\n";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string PidPath => _dir.File("app.pid");
    private string Victim => _dir.File("shadow");

    [Fact]
    public void ASymlinkAtTheNameIsRefusedAndItsTargetUntouched()
    {
        File.WriteAllText(Victim, Secret);
        File.CreateSymbolicLink(PidPath, Victim);

        var e = Assert.Throws<StartupException>(() => PidFile.Acquire(PidPath, 4242));

        Assert.Equal($"pid file {PidPath} is a symbolic link; refusing to write through it", e.Message);
        Assert.Equal(Secret, File.ReadAllText(Victim));
    }

    [Fact]
    public void ADanglingSymlinkCreatesNothingAtItsTarget()
    {
        File.CreateSymbolicLink(PidPath, Victim);
        Assert.Throws<StartupException>(() => PidFile.Acquire(PidPath, 4242));
        Assert.False(File.Exists(Victim));
    }

    [Fact]
    public void AHardLinkIsRefusedAndTheFileUntouched()
    {
        File.WriteAllText(Victim, Secret);
        Run("ln", Victim, PidPath);

        var e = Assert.Throws<StartupException>(() => PidFile.Acquire(PidPath, 4242));

        Assert.Equal($"pid file {PidPath} has 2 hard links (other names for the same file); refusing to write to it", e.Message);
        Assert.Equal(Secret, File.ReadAllText(Victim));
    }

    [Fact]
    public void AFifoIsRefused()
    {
        Run("mkfifo", PidPath);
        var e = Assert.Throws<StartupException>(() => PidFile.Acquire(PidPath, 4242));
        Assert.Equal($"pid file {PidPath} is not a regular file; refusing to write to it", e.Message);
    }

    [Fact]
    public void AFileLeftByADeadInstanceIsTakenOverAndRemovedAtExit()
    {
        File.WriteAllText(PidPath, "999999\n");
        using (PidFile.Acquire(PidPath, 4242))
            Assert.Equal("4242\n", File.ReadAllText(PidPath));
        Assert.False(File.Exists(PidPath));
    }

    /// <summary>Whoever can write to the directory may have put another file at the name since: not ours to remove.</summary>
    [Fact]
    public void AFilePutAtTheNameSinceIsNotRemovedAtExit()
    {
        var pidFile = PidFile.Acquire(PidPath, 4242);
        File.WriteAllText(Victim, "someone else's\n");
        File.Move(Victim, PidPath, overwrite: true);

        pidFile.Dispose();

        Assert.Equal("someone else's\n", File.ReadAllText(PidPath));
    }

    private static void Run(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(program, args);
        Assert.True(process.WaitForExit(StarterProcess.DefaultTimeout));
        Assert.Equal(0, process.ExitCode);
    }
}
