using StarterHost.Readiness;

namespace StarterHost.Tests.Readiness;

/// <summary>Who may speak for worker 100, which leads process group 100.</summary>
public sealed class NotifyAccessTests
{
    private static int? GroupOf(int pid) => pid switch
    {
        100 or 101 or 102 => 100,  // the worker and its children
        200 => 200,                // another worker
        300 => 1,                  // anything else on the machine
        _ => null,                 // exited
    };

    [Theory]
    [InlineData(100, true)]    // the worker
    [InlineData(101, true)]    // a child in its group (a shell's, say)
    [InlineData(200, false)]   // another worker
    [InlineData(300, false)]   // any process of the same user
    [InlineData(400, false)]   // one that has exited: its group cannot be known
    [InlineData(0, false)]     // no credentials (a sender in a pid namespace we cannot see)
    public void OnlyTheWorkersProcessGroupMaySpeakForIt(int sender, bool allowed) =>
        Assert.Equal(allowed, NotifyAccess.Allows(100, sender, GroupOf));

    [Fact]
    public void TheWorkerItselfIsBelievedEvenOnceItHasExited() =>
        Assert.True(NotifyAccess.Allows(100, 100, _ => null));
}
