using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

public sealed class MetricsAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9100", "127.0.0.1", 9100, null, "127.0.0.1:9100")]
    [InlineData("0.0.0.0:9100", "0.0.0.0", 9100, null, "0.0.0.0:9100")]
    [InlineData("[::1]:9100", "::1", 9100, null, "[::1]:9100")]
    [InlineData("[::]:0", "::", 0, null, "[::]:0")]
    [InlineData("localhost:9100", "localhost", 9100, null, "localhost:9100")]
    [InlineData("unix:/run/starterhost/metrics.sock", null, 0, "/run/starterhost/metrics.sock", "unix:/run/starterhost/metrics.sock")]
    [InlineData("unix:relative.sock", null, 0, "relative.sock", "unix:relative.sock")]
    public void ParsesHostAndPortOrAUnixPath(string value, string? host, int port, string? path, string display)
    {
        var address = MetricsAddress.Parse(value);
        Assert.Equal(new MetricsAddress(host, port, path), address);
        Assert.Equal(display, address.Display);
    }

    [Theory]
    [InlineData("9100", "expected HOST:PORT, [IPV6]:PORT or unix:PATH")]
    [InlineData(":9100", "the host is empty (0.0.0.0 or [::] for every address)")]
    [InlineData("127.0.0.1:", "'' is not a port (0-65535)")]
    [InlineData("127.0.0.1:70000", "'70000' is not a port (0-65535)")]
    [InlineData("127.0.0.1:-1", "'-1' is not a port (0-65535)")]
    [InlineData("::1:9100", "write an IPv6 address in brackets, as [::1]:9100")]
    [InlineData("[1.2.3.4]:9100", "'1.2.3.4' is not an IPv6 address")]
    [InlineData("unix:", "the path after unix: is empty")]
    public void ABadValueIsOneLineNamingIt(string value, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => MetricsAddress.Parse(value)).Message);

    [Fact]
    public void AUnixPathMustFitSunPath()
    {
        Assert.Equal(new string('a', 107), MetricsAddress.Parse("unix:" + new string('a', 107)).Path);
        Assert.EndsWith("longer than the 107 bytes a unix socket path may have", Assert.Throws<FormatException>(() => MetricsAddress.Parse("unix:" + new string('a', 108))).Message);
    }
}
