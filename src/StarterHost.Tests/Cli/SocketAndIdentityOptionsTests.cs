using StarterHost.Cli;
using StarterHost.Configuration;

namespace StarterHost.Tests.Cli;

/// <summary>The options of sockets and privileges on start_server's command line: parsed into <see cref="StarterOptions"/>.</summary>
public sealed class SocketAndIdentityOptionsTests
{
    private static StarterOptions Parse(params string[] args)
    {
        var options = new StarterOptions();
        StartServerCommandLine.Parse([.. args, "--", "true"]).ApplyTo(options);
        return options;
    }

    [Fact]
    public void EachOptionSetsItsSetting()
    {
        var o = Parse("--listen-fds", "--listen-fdnames=web:admin", "--path-mode=0660", "--path-owner", "www-data:www-data",
            "--user=app", "-group=app", "--check-command=nginx -t", "--check-timeout=2.5");
        Assert.True(o.ListenFds);
        Assert.Equal("web:admin", o.ListenFdNames);
        Assert.Equal("0660", o.PathMode);
        Assert.Equal("www-data:www-data", o.PathOwner);
        Assert.Equal("app", o.User);
        Assert.Equal("app", o.Group);
        Assert.Equal("nginx -t", o.CheckCommand);
        Assert.Equal(2.5, o.CheckTimeout);
    }

    [Fact]
    public void DefaultsChangeNothing()
    {
        var o = Parse("--port=8080");
        Assert.False(o.ListenFds);
        Assert.Null(o.ListenFdNames);
        Assert.Null(o.PathMode);
        Assert.Null(o.PathOwner);
        Assert.Null(o.User);
        Assert.Null(o.Group);
        Assert.Null(o.CheckCommand);
        Assert.Equal(60, o.CheckTimeout);
    }

    [Theory]
    [InlineData("--check-timeout=soon", "Value \"soon\" invalid for option check-timeout (number expected)")]
    [InlineData("--listen-fds=yes", "Option listen-fds does not take an argument")]
    [InlineData("--user", "Option user requires an argument")]
    public void AMalformedValueIsAUsageError(string arg, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => StartServerCommandLine.Parse([arg])).Message);
}
