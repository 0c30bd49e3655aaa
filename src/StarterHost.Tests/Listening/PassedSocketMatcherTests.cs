using System.Net;
using System.Net.Sockets;
using StarterHost.Listening;

namespace StarterHost.Tests.Listening;

/// <summary>Which passed socket serves which --port/--path: decided on values alone.</summary>
public sealed class PassedSocketMatcherTests
{
    private static readonly PassedSocket[] Passed =
    [
        new(3, "web.socket", SocketType.Stream, new IPEndPoint(IPAddress.IPv6Any, 8080)),
        new(4, "admin", SocketType.Stream, new IPEndPoint(IPAddress.Loopback, 9000)),
        new(5, "dns", SocketType.Dgram, new IPEndPoint(IPAddress.Any, 5353)),
        new(6, "app.socket", SocketType.Stream, new UnixDomainSocketEndPoint("/run/app.sock")),
        new(7, "9100", SocketType.Stream, new IPEndPoint(IPAddress.Parse("10.0.0.1"), 7000)),
    ];

    private static IPAddress Resolve(ListenAddress address) => IPAddress.Parse(address.Host!);

    [Theory]
    [InlineData("8080", 3)]             // a bare port takes the wildcard socket ListenStream=8080 makes
    [InlineData("127.0.0.1:9000", 4)]
    [InlineData("u5353", 5)]
    [InlineData("9100", 7)]             // FileDescriptorName= equal to the key wins over the address
    public void APortTakesTheSocketBoundToIt(string port, int fd) =>
        Assert.Equal(fd, PassedSocketMatcher.Match([ListenAddressParser.ParsePort(port)], Passed, Resolve)[0].Fd);

    [Fact]
    public void APathTakesTheUnixSocketBoundToIt() =>
        Assert.Equal(6, PassedSocketMatcher.Match([ListenAddressParser.ParsePath("/run/app.sock")], Passed, Resolve)[0].Fd);

    [Theory]
    [InlineData("127.0.0.1:8081", "127.0.0.1:8081 is configured but")]
    [InlineData("u9000", "udp 0.0.0.0:9000 is configured but")]   // a TCP socket on that port is not a UDP one
    public void AnAddressThatWasNotPassedIsNamed(string port, string message)
    {
        var e = Assert.Throws<StartupException>(() => PassedSocketMatcher.Match([ListenAddressParser.ParsePort(port)], Passed, Resolve));
        Assert.StartsWith(message, e.Message);
        Assert.Contains("fd 4 (admin, 127.0.0.1:9000)", e.Message);
    }

    [Fact]
    public void OneSocketServesOneAddressOnly() =>
        Assert.Throws<StartupException>(() => PassedSocketMatcher.Match([ListenAddressParser.ParsePort("8080"), ListenAddressParser.ParsePort("8080")], Passed, Resolve));

    [Theory]
    [InlineData(3, "8080")]
    [InlineData(4, "127.0.0.1:9000")]
    [InlineData(6, "/run/app.sock")]
    public void APassedSocketIsKeyedAsStartServerWouldKeyIt(int fd, string key) =>
        Assert.Equal(key, PassedSocketMatcher.KeyFor(Passed.Single(p => p.Fd == fd)));
}
