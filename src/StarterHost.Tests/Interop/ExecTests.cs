using StarterHost.Interop;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Interop;

/// <summary>
/// execve and execveat with an explicit argv and environment. A successful exec replaces the process that makes it,
/// so those run in a child (<see cref="ChildProgram"/>); a failed one returns, and is tested here.
/// </summary>
public sealed class ExecTests
{
    [Fact]
    public void ExecPassesExactlyTheArgumentsAndEnvironmentGiven()
    {
        var child = ChildProgram.Run("exec", ["/bin/cat", "chosen-argv0", "/proc/self/cmdline", "/proc/self/environ", "--", "ONLY=1", "OTHER=two words"]);

        Assert.Equal("", child.Stderr);
        Assert.Equal("chosen-argv0\0/proc/self/cmdline\0/proc/self/environ\0ONLY=1\0OTHER=two words\0", child.Stdout);
    }

    [Fact]
    public void ExecImageRunsTheFileOpenedEvenOnceItsPathIsGone()
    {
        using var dir = new TempDirectory();
        string image = dir.File("image");
        File.Copy("/usr/bin/env", image);

        var child = ChildProgram.Run("exec-image", [image, "env", "--", "ROLLED=back"]);

        Assert.Equal("", child.Stderr);
        Assert.Equal("ROLLED=back\n", child.Stdout);
        Assert.False(File.Exists(image));
    }

    [Fact]
    public void AFailedExecReturnsWithTheReason()
    {
        var failed = Assert.Throws<PosixException>(() => Posix.Exec("/nonexistent/starterhost", ["starterhost"], []));
        Assert.Equal("exec /nonexistent/starterhost failed: No such file or directory", failed.Message);
    }

    [Fact]
    public void AFailedExecImageReturnsWithTheReason()
    {
        using var dir = new TempDirectory();
        string notExecutable = dir.File("data");
        File.WriteAllText(notExecutable, "not a program");
        int fd = Posix.OpenImage(notExecutable);
        try
        {
            var failed = Assert.Throws<PosixException>(() => Posix.ExecImage(fd, ["data"], []));
            Assert.Equal($"execveat({fd}, AT_EMPTY_PATH) failed: Permission denied", failed.Message);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Fact]
    public void TheRunningImageIsOpenedCloseOnExec()
    {
        int fd = Posix.OpenRunningImage();
        try
        {
            Assert.Equal(new FileInfo("/proc/self/exe").LinkTarget, Posix.DescriptorTarget(fd));
            Assert.True(Posix.IsCloseOnExec(fd));
            Assert.True(Posix.IsSameFile($"/proc/self/fd/{fd}", "/proc/self/exe"));
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Fact]
    public void IsSameFileFollowsLinksAndTellsFilesApart()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a"), "a");
        File.WriteAllText(dir.File("b"), "a");
        File.CreateSymbolicLink(dir.File("link"), dir.File("a"));

        Assert.True(Posix.IsSameFile(dir.File("link"), dir.File("a")));
        Assert.False(Posix.IsSameFile(dir.File("a"), dir.File("b")));
        Assert.False(Posix.IsSameFile(dir.File("missing"), dir.File("missing")));
    }

    /// <summary>child exec PATH ARGV… -- ENV…: execs PATH with that argv and environment.</summary>
    internal static int ExecChild(string[] args)
    {
        int split = Array.IndexOf(args, "--");
        Posix.Exec(args[0], args[1..split], args[(split + 1)..]);
        return 1;
    }

    /// <summary>child exec-image PATH ARGV… -- ENV…: opens PATH, deletes it, then execs the open file.</summary>
    internal static int ExecImageChild(string[] args)
    {
        int split = Array.IndexOf(args, "--");
        int fd = Posix.OpenImage(args[0]);
        File.Delete(args[0]);
        Posix.ExecImage(fd, args[1..split], args[(split + 1)..]);
        return 1;
    }
}
