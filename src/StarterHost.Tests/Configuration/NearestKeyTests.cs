using StarterHost.Configuration;

namespace StarterHost.Tests.Configuration;

public sealed class NearestKeyTests
{
    private static readonly string[] Known = ["Port", "Path", "PidFile", "Interval", "SignalOnHup", "SignalOnTerm", "KillOldDelay"];

    [Theory]
    [InlineData("Prot", "Port")]
    [InlineData("port", "Port")]
    [InlineData("Pth", "Path")]
    [InlineData("pidfile", "PidFile")]
    [InlineData("pid-file", "PidFile")]
    [InlineData("Intervall", "Interval")]
    [InlineData("SignalOnHUB", "SignalOnHup")]
    [InlineData("KillOldDelays", "KillOldDelay")]
    public void SuggestsTheKnownKeyFewestEditsAway(string given, string expected) =>
        Assert.Equal(expected, NearestKey.Find(given, Known));

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("Starter", "starter", 0)]
    [InlineData("Startr", "Starter", 1)]
    [InlineData("Strater", "Starter", 2)]
    [InlineData("abc", "", 3)]
    [InlineData("Logging", "Starter", 7)]
    public void DistanceCountsInsertionsDeletionsAndSubstitutionsIgnoringCase(string a, string b, int distance)
    {
        Assert.Equal(distance, NearestKey.Distance(a, b));
        Assert.Equal(distance, NearestKey.Distance(b, a));
    }
}
