using StarterHost.Readiness;

namespace StarterHost.Tests.Readiness;

/// <summary>What a datagram tells the worker watchdog: WATCHDOG=1, WATCHDOG=trigger (which wins), or nothing.</summary>
public sealed class NotifyMessageWatchdogTests
{
    [Theory]
    [InlineData("WATCHDOG=1", "ping")]
    [InlineData("READY=1\nWATCHDOG=1", "ping")]
    [InlineData("WATCHDOG=trigger", "trigger")]
    [InlineData("WATCHDOG=1\nWATCHDOG=trigger", "trigger")]
    [InlineData("WATCHDOG=trigger\nWATCHDOG=1", "trigger")]
    [InlineData("WATCHDOG=0", "none")]
    [InlineData("WATCHDOG_USEC=5000000", "none")]
    [InlineData("STATUS=WATCHDOG=1", "none")]
    [InlineData("READY=1", "none")]
    public void TheWatchdogPartOfADatagram(string datagram, string expected) =>
        Assert.Equal(expected, NotifyMessage.Parse(datagram).Watchdog.ToString().ToLowerInvariant());
}
