using StarterHost.Readiness;

namespace StarterHost.Tests.Readiness;

/// <summary>Whether the StarterHost that made a notify directory has exited, judged from its marker.</summary>
public sealed class NotifyDirectoryOwnerTests
{
    private static readonly NotifyDirectoryOwner Self = new(500, 9000, "pid:[4026531836]", "boot-a");

    private static long? StartTimes(int pid) => pid switch
    {
        100 => 1234,    // alive, started at 1234
        _ => null,      // no such process
    };

    [Theory]
    [InlineData(100, 1234, "pid:[4026531836]", "boot-a", false)]   // still running
    [InlineData(100, 999, "pid:[4026531836]", "boot-a", true)]     // its pid belongs to another process now
    [InlineData(200, 999, "pid:[4026531836]", "boot-a", true)]     // gone
    [InlineData(100, 1234, "pid:[4026532000]", "boot-a", false)]   // another pid namespace (a container sharing /tmp): cannot tell
    [InlineData(200, 999, "pid:[4026532000]", "boot-a", false)]
    [InlineData(100, 1234, "pid:[4026531836]", "boot-b", true)]    // an earlier boot
    public void HasExited(int pid, long start, string pidNamespace, string boot, bool exited) =>
        Assert.Equal(exited, new NotifyDirectoryOwner(pid, start, pidNamespace, boot).HasExited(Self, StartTimes));

    [Fact]
    public void TheMarkerReadsBackAsWritten() => Assert.Equal(Self, NotifyDirectoryOwner.Parse(Self.Compose()));

    [Theory]
    [InlineData("")]
    [InlineData("pid=12\nstart=5\n")]
    [InlineData("pid=x\nstart=5\npidns=a\nboot=b\n")]
    [InlineData("#!/bin/sh\nrm -rf /\n")]
    public void AnythingElseIsNoMarker(string text) => Assert.Null(NotifyDirectoryOwner.Parse(text));

    [Fact]
    public void ThisProcessIsDescribedAndAliveByItsOwnMeasure()
    {
        var self = NotifyDirectoryOwner.OfThisProcess();
        Assert.NotNull(self);
        Assert.Equal(System.Environment.ProcessId, self.Pid);
        Assert.False(self.HasExited(self, NotifyDirectoryOwner.StartTimeOf));
        Assert.Null(NotifyDirectoryOwner.StartTimeOf(int.MaxValue));
    }
}
