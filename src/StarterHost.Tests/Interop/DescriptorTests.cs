using StarterHost.Interop;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Interop;

/// <summary>Before an exec in place, exactly the descriptors named survive it: the runtime's own and inherited strays do not.</summary>
public sealed class DescriptorTests
{
    [Fact]
    public void InheritableTogglesCloseOnExec()
    {
        var (read, write) = Posix.OpenPipe();
        try
        {
            Assert.True(Posix.IsCloseOnExec(read));
            Posix.SetInheritable(read, inheritable: true);
            Assert.False(Posix.IsCloseOnExec(read));
            Posix.SetInheritable(read, inheritable: false);
            Assert.True(Posix.IsCloseOnExec(read));
        }
        finally
        {
            Posix.Close(read);
            Posix.Close(write);
        }
    }

    [Fact]
    public void OpenDescriptorsListsANewOne()
    {
        var (read, write) = Posix.OpenPipe();
        try
        {
            Assert.Contains(read, Posix.OpenDescriptors());
        }
        finally
        {
            Posix.Close(read);
            Posix.Close(write);
        }
    }

    [Fact]
    public void AfterInheritOnlyTheExecutedImageHoldsTheStandardStreamsAndTheKeptDescriptorAlone()
    {
        using var dir = new TempDirectory();
        string report = dir.File("report");
        using var child = ChildProgram.Start("inherit-only", [report, dir.File("stray")]);

        // The child execs sleep in place: once the pid runs sleep, the exec is done and its descriptors are final.
        Eventually.True(() => File.Exists(report) && ReadCommandLine(child.Pid).StartsWith("sleep\0"), "the child to exec sleep");
        int kept = int.Parse(File.ReadAllText(report));
        var held = Directory.GetFileSystemEntries($"/proc/{child.Pid}/fd").Select(entry => int.Parse(Path.GetFileName(entry))).Order();

        Assert.Equal([0, 1, 2, kept], held);
    }

    private static string ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>
    /// child inherit-only REPORT STRAY: holds the runtime's descriptors, a stray one opened without O_CLOEXEC (as a
    /// launcher may hand one down) and a pipe to keep; keeps the pipe alone, writes its number to REPORT, execs sleep.
    /// </summary>
    internal static int InheritOnlyChild(string[] args)
    {
        int stray = Libc.Open(args[1], Libc.O_WRONLY | Libc.O_CREAT, 0x1A4);
        if (stray < 0 || Posix.IsCloseOnExec(stray))
            return 3;
        var (read, _) = Posix.OpenPipe();
        Posix.InheritOnly([read]);
        File.WriteAllText(args[0], read.ToString());
        Posix.Exec("/bin/sleep", ["sleep", "60"], []);
        return 1;
    }
}
