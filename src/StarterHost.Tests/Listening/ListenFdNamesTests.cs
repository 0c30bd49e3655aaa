using StarterHost.Hosting;
using StarterHost.Listening;

namespace StarterHost.Tests.Listening;

public sealed class ListenFdNamesTests
{
    [Theory]
    [InlineData("8080", "8080")]
    [InlineData("127.0.0.1:8080", "127.0.0.1_8080")]
    [InlineData("[::1]:8080", "[__1]_8080")]
    [InlineData("localhost:80", "localhost_80")]
    [InlineData("/run/app.sock", "/run/app.sock")]
    [InlineData("/run/caf\u00e9 bar.sock", "/run/caf_ bar.sock")]
    public void ANameDerivesFromTheKey(string key, string name)
    {
        Assert.Equal(name, ListenFdNames.Derive(key));
        Assert.Null(ListenFdNames.WhyInvalid(ListenFdNames.Derive(key)));
    }

    [Fact]
    public void ADerivedNameIsCutAtTheLimit() =>
        Assert.Equal(ListenFdNames.MaxLength, ListenFdNames.Derive(new string('x', 300)).Length);

    [Theory]
    [InlineData("web", null)]
    [InlineData("admin api", null)]
    [InlineData("", "a name is empty")]
    [InlineData("a:b", "'a:b' has a ':', which separates the names")]
    [InlineData("tab\there", "'tab\there' has a character that is not printable ASCII")]
    [InlineData("\u00fcber", "'\u00fcber' has a character that is not printable ASCII")]
    public void ANameIsValidAsSdListenFdsWantsIt(string name, string? why) =>
        Assert.Equal(why, ListenFdNames.WhyInvalid(name));

    [Fact]
    public void NamesGivenMustBeOnePerListener()
    {
        Assert.Equal(["web", "admin"], ListenFdNames.For("web:admin", ["8080", "8081"]));
        Assert.Equal(["8080", "127.0.0.1_8081"], ListenFdNames.For(null, ["8080", "127.0.0.1:8081"]));
        var e = Assert.Throws<StartupException>(() => ListenFdNames.For("web", ["8080", "8081"]));
        Assert.Equal("Starter:ListenFdNames=web (--listen-fdnames) names 1 socket(s), but there are 2 listener(s) (8080;8081)", e.Message);
    }

    [Theory]
    [InlineData(new[] { "8080", "8081" }, null)]
    [InlineData(new[] { "8080=3", "8081=4" }, null)]
    [InlineData(new[] { "8080", "8081=4" }, null)]
    [InlineData(new[] { "8080=4", "8081=3" }, "--port 8080=4 conflicts with --listen-fds, which passes the listeners at fds 3 upward in order: this one is fd 3")]
    [InlineData(new[] { "8080", "8081=9" }, "--port 8081=9 conflicts with --listen-fds, which passes the listeners at fds 3 upward in order: this one is fd 4")]
    public void ExplicitDescriptorsMustBeWhereLISTEN_FDSPutsThem(string[] ports, string? error)
    {
        var addresses = ports.Select(ListenAddressParser.ParsePort).ToList();
        var thrown = Record.Exception(() => ListenFdNames.CheckDescriptors(addresses));
        Assert.Equal(error, thrown?.Message);
        if (error is null)
            Assert.Equal(Enumerable.Range(3, ports.Length), DescriptorPlan.Assign(addresses));
    }
}
