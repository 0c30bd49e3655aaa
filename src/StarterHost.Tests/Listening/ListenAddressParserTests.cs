using StarterHost.Listening;

namespace StarterHost.Tests.Listening;

/// <summary>start_server's --port grammar, and the keys it renders for SERVER_STARTER_PORT.</summary>
public sealed class ListenAddressParserTests
{
    [Theory]
    [InlineData("8080", "Tcp", "8080", null, 8080, null)]
    [InlineData(" 8080 ", "Tcp", "8080", null, 8080, null)]
    [InlineData("0080", "Tcp", "0080", null, 80, null)]
    [InlineData("u53", "Udp", "53", null, 53, null)]
    [InlineData("8080=5", "Tcp", "8080", null, 8080, 5)]
    [InlineData("8080 =5", "Tcp", "8080", null, 8080, 5)]
    [InlineData("127.0.0.1:8080", "Tcp", "127.0.0.1:8080", "127.0.0.1", 8080, null)]
    [InlineData("localhost:8080", "Tcp", "localhost:8080", "localhost", 8080, null)]
    [InlineData("127.0.0.1:u53=7", "Udp", "127.0.0.1:53", "127.0.0.1", 53, 7)]
    [InlineData("[::1]:8080", "Tcp", "[::1]:8080", "::1", 8080, null)]
    [InlineData("[ ::1 ] : 8080", "Tcp", "[::1]:8080", "::1", 8080, null)]
    [InlineData("::1:8080", "Tcp", "[::1]:8080", "::1", 8080, null)]
    [InlineData("[::]:u443=9", "Udp", "[::]:443", "::", 443, 9)]
    [InlineData("[fe80::1%lo]:80", "Tcp", "[fe80::1%lo]:80", "fe80::1%lo", 80, null)]
    [InlineData("0", "Tcp", "0", null, 0, null)]
    [InlineData("65535", "Tcp", "65535", null, 65535, null)]
    public void ParsesWhatStartServerAccepts(string value, string kind, string key, string? host, int port, int? fd)
    {
        var address = ListenAddressParser.ParsePort(value);
        Assert.Equal(Enum.Parse<ListenKind>(kind), address.Kind);
        Assert.Equal(key, address.Key);
        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
        Assert.Equal(fd, address.Fd);
    }

    [Theory]
    [InlineData("", "expected PORT")]
    [InlineData("http", "expected PORT")]
    [InlineData("80a", "expected PORT")]
    [InlineData("-80", "expected PORT")]
    [InlineData(":80", "the host is empty")]
    [InlineData("[]:80", "the host is empty")]
    [InlineData("[::1:80", "expected PORT")]
    [InlineData("::1]:80", "expected PORT")]
    [InlineData("[zz::q]:80", "'zz::q' is not an IPv6 address")]
    [InlineData("65536", "port 65536 is out of range (0-65535)")]
    [InlineData("127.0.0.1:70000", "port 70000 is out of range (0-65535)")]
    [InlineData("99999999999999", "port 99999999999999 is out of range")]
    [InlineData("80=65536", "file descriptor 65536 is out of range")]
    [InlineData("80=x", "expected PORT")]
    public void RejectsWithTheValueNamed(string value, string why)
    {
        var error = Assert.Throws<FormatException>(() => ListenAddressParser.ParsePort(value));
        Assert.StartsWith($"invalid ``port'' value:{value}", error.Message);
        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData("/run/app.sock")]
    [InlineData("relative.sock")]
    public void APathIsItsOwnKey(string path)
    {
        var address = ListenAddressParser.ParsePath(path);
        Assert.Equal(ListenKind.Unix, address.Kind);
        Assert.Equal(path, address.Key);
        Assert.Equal(path, address.Path);
    }

    [Theory]
    [InlineData("", "the path is empty")]
    [InlineData("/run/a;b.sock", "';' and '=' cannot be passed")]
    [InlineData("/run/a=b.sock", "';' and '=' cannot be passed")]
    public void RejectsPathsTheProtocolCannotCarry(string path, string why)
    {
        var error = Assert.Throws<FormatException>(() => ListenAddressParser.ParsePath(path));
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public void RejectsAPathTooLongForSunPath()
    {
        string path = "/" + new string('a', 107);
        var error = Assert.Throws<FormatException>(() => ListenAddressParser.ParsePath(path));
        Assert.Contains("longer than the 107 bytes", error.Message);
    }

    [Theory]
    [InlineData(new[] { "80", "81", "/p" }, new[] { 3, 4, 5 })]
    [InlineData(new[] { "80=3", "81" }, new[] { 3, 4 })]
    [InlineData(new[] { "80", "81=3" }, new[] { 4, 3 })]
    [InlineData(new[] { "80=10", "81", "82=4" }, new[] { 10, 3, 4 })]
    [InlineData(new[] { "80=0", "81" }, new[] { 0, 3 })]
    public void AssignsExplicitDescriptorsFirstAndTheLowestFreeOnesToTheRest(string[] values, int[] expected)
    {
        var addresses = values.Select(v => v.StartsWith('/') ? ListenAddressParser.ParsePath(v) : ListenAddressParser.ParsePort(v)).ToList();
        Assert.Equal(expected, DescriptorPlan.Assign(addresses));
    }

    [Fact]
    public void RefusesTwoListenersOnOneDescriptor()
    {
        var addresses = new[] { ListenAddressParser.ParsePort("80=5"), ListenAddressParser.ParsePort("81=5") };
        var error = Assert.Throws<StartupException>(() => DescriptorPlan.Assign(addresses));
        Assert.Contains("file descriptor 5", error.Message);
    }
}
