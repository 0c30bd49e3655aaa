using System.Diagnostics;
using StarterHost.Interop;
using StarterHost.Tests.Support;
using StarterHost.Upgrade;

namespace StarterHost.Tests.Upgrade;

/// <summary>A pid and its start time name one process: what an adopted worker is checked by after an upgrade.</summary>
public sealed class ProcessStartTimeTests
{
    [Theory]
    [InlineData("4242 (starterhost) S 1 4242 4242 0 -1 4194560 1419 0 0 0 5 3 0 0 20 0 6 0 123456 227913728 5000 18446744073709551615", 123456UL)]
    // The command name is the process's own choice: spaces, parentheses, even ") S 1" inside it.
    [InlineData("4242 (a) S 1 (b c) S 1 4242 4242 0 -1 4194560 1419 0 0 0 5 3 0 0 20 0 6 0 98765 227913728 5000 18446744073709551615", 98765UL)]
    [InlineData("4242 ()) R 1 4242 4242 0 -1 4194560 1419 0 0 0 5 3 0 0 20 0 6 0 7 227913728 5000 18446744073709551615\n", 7UL)]
    public void TheStartTimeIsField22CountedFromTheLastParenthesis(string stat, ulong startTime)
    {
        Assert.Equal(startTime, ProcessStartTime.Parse(stat));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 starterhost S 1")]
    [InlineData("4242 (starterhost) S 1 4242")]
    [InlineData("4242 (starterhost) S 1 4242 4242 0 -1 4194560 1419 0 0 0 5 3 0 0 20 0 6 0 soon 227913728")]
    public void AnythingElseIsAFormatError(string stat)
    {
        Assert.Throws<FormatException>(() => ProcessStartTime.Parse(stat));
    }

    [Fact]
    public void ThisProcessHasAStableStartTime()
    {
        ulong? startTime = ProcessStartTime.Of(Posix.CurrentPid);

        Assert.NotNull(startTime);
        Assert.Equal(startTime, ProcessStartTime.Of(Posix.CurrentPid));
        Assert.True(ProcessStartTime.IsStill(Posix.CurrentPid, startTime.Value));
        Assert.False(ProcessStartTime.IsStill(Posix.CurrentPid, startTime.Value + 1));
    }

    [Fact]
    public void AProcessNamedWithSpacesAndParenthesesIsReadUntilItIsGone()
    {
        using var dir = new TempDirectory();
        string program = dir.File("a) b (c");
        File.Copy("/bin/sleep", program);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var child = Process.Start(program, "60");

        Eventually.True(() => File.ReadAllText($"/proc/{child.Id}/comm") == "a) b (c\n", "the child to run as \"a) b (c\"");
        ulong? startTime = ProcessStartTime.Of(child.Id);
        Assert.NotNull(startTime);
        // It started after this process did (clock ticks since boot).
        Assert.True(startTime >= ProcessStartTime.Of(Posix.CurrentPid));
        Assert.True(ProcessStartTime.IsStill(child.Id, startTime.Value));

        child.Kill();
        child.WaitForExit();
        // Gone and reaped: no process, or (pids are reused) another one, started later.
        Assert.NotEqual(startTime, ProcessStartTime.Of(child.Id));
        Assert.False(ProcessStartTime.IsStill(child.Id, startTime.Value));
    }

    [Fact]
    public void APidNoProcessCanHaveHasNone()
    {
        // The kernel gives out pids below pid_max only.
        int pidMax = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max"));

        Assert.Null(ProcessStartTime.Of(pidMax));
    }
}
