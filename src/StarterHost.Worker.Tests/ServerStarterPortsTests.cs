namespace StarterHost.Worker.Tests;

public sealed class ServerStarterPortsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NothingToInheritIsAnEmptyListNotAnError(string? value) => Assert.Empty(ServerStarterPorts.Parse(value));

    [Theory]
    [InlineData("8080=3", "8080", ServerStarterPortKind.Inet, null, 8080, null, 3)]
    [InlineData("127.0.0.1:8080=4", "127.0.0.1:8080", ServerStarterPortKind.Inet, "127.0.0.1", 8080, null, 4)]
    [InlineData("localhost:80=5", "localhost:80", ServerStarterPortKind.Inet, "localhost", 80, null, 5)]
    [InlineData("[::1]:8081=6", "[::1]:8081", ServerStarterPortKind.Inet6, "::1", 8081, null, 6)]
    [InlineData("[fe80::1%eth0]:8081=7", "[fe80::1%eth0]:8081", ServerStarterPortKind.Inet6, "fe80::1%eth0", 8081, null, 7)]
    [InlineData("/run/app.sock=8", "/run/app.sock", ServerStarterPortKind.Unix, null, 0, "/run/app.sock", 8)]
    [InlineData("app.sock=9", "app.sock", ServerStarterPortKind.Unix, null, 0, "app.sock", 9)]
    [InlineData("/run/odd:80=10", "/run/odd:80", ServerStarterPortKind.Unix, null, 0, "/run/odd:80", 10)]
    [InlineData("0=11", "0", ServerStarterPortKind.Inet, null, 0, null, 11)]
    [InlineData("8080=3;", "8080", ServerStarterPortKind.Inet, null, 8080, null, 3)]
    public void OneEntryIsTyped(string value, string key, ServerStarterPortKind kind, string? host, int port, string? path, int fd) =>
        Assert.Equal(new ServerStarterPort(key, kind, host, port, path, fd), Assert.Single(ServerStarterPorts.Parse(value)));

    [Fact]
    public void EntriesKeepTheirOrderAndKeys()
    {
        var ports = ServerStarterPorts.Parse("127.0.0.1:8080=3;[::1]:8081=4;8082=5;/run/app.sock=6");
        Assert.Equal(["127.0.0.1:8080=3", "[::1]:8081=4", "8082=5", "/run/app.sock=6"], ports.Select(p => p.ToString()));
        Assert.Equal(
            [ServerStarterPortKind.Inet, ServerStarterPortKind.Inet6, ServerStarterPortKind.Inet, ServerStarterPortKind.Unix],
            ports.Select(p => p.Kind));
    }

    [Theory]
    [InlineData("8080", "entry '8080' has no '=': expected key=fd")]
    [InlineData("8080=3;8081", "entry '8081' has no '='")]
    [InlineData("=3", "entry '=3' has an empty key")]
    [InlineData("8080=", "entry '8080=' has '' where a file descriptor number belongs")]
    [InlineData("8080=x", "has 'x' where a file descriptor number belongs")]
    [InlineData("8080=-1", "has '-1' where a file descriptor number belongs")]
    [InlineData("8080=3=4", "has '3=4' where a file descriptor number belongs")]
    [InlineData("8080=99999999999", "has '99999999999' where a file descriptor number belongs")]
    [InlineData("70000=3", "entry '70000=3' has port 70000, out of range (0-65535)")]
    [InlineData("[::1:80=3", "has '[::1:80', which is neither [IPV6]:PORT nor a unix socket path")]
    [InlineData("[1.2.3.4]:80=3", "has '[1.2.3.4]', which is not an IPv6 address")]
    [InlineData("8080=3;8081=3", "entry '8081=3' names fd 3, which '8080' already uses")]
    public void AMalformedValueIsRefusedNamingIt(string value, string why)
    {
        var e = Assert.Throws<FormatException>(() => ServerStarterPorts.Parse(value));
        Assert.StartsWith($"SERVER_STARTER_PORT=\"{value}\" is malformed: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8080=3", "0.0.0.0:8080")]
    [InlineData("127.0.0.1:8080=3", "127.0.0.1:8080")]
    [InlineData("[::1]:8080=3", "[::1]:8080")]
    [InlineData("/run/app.sock=3", "/run/app.sock")]
    public void TheKeyNamesAnEndPoint(string value, string endpoint) =>
        Assert.Equal(endpoint, ServerStarterPorts.Parse(value)[0].EndPoint!.ToString());

    [Fact]
    public void AHostNameNamesNoEndPointWithoutALookup() =>
        Assert.Null(ServerStarterPorts.Parse("localhost:8080=3")[0].EndPoint);
}
