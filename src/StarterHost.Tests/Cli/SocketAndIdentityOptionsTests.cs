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
    [InlineData("--pat=/run/a.sock", "path")]
    [InlineData("--l=/var/log/a.log", "log-file")]
    [InlineData("--re", "restart")]
    [InlineData("--path-m=0600", "path-mode")]
    [InlineData("--u=app", "user")]
    public void AnAbbreviationStartServerKnewKeepsItsMeaning(string arg, string option)
    {
        var options = new StarterOptions();
        var line = StartServerCommandLine.Parse([arg, "--", "true"]);
        line.ApplyTo(options);
        string? value = option switch
        {
            "path" => options.Path.SingleOrDefault(),
            "log-file" => options.LogFile,
            "restart" => line.Mode == CliMode.Restart ? "" : null,
            "path-mode" => options.PathMode,
            _ => options.User,
        };
        Assert.Equal(arg.Contains('=') ? arg[(arg.IndexOf('=') + 1)..] : "", value);
    }

    [Fact]
    public void AnAbbreviationOfNewOptionsAloneIsStillAmbiguous() =>
        Assert.Equal("Option che is ambiguous (check-command, check-timeout)",
            Assert.Throws<UsageException>(() => StartServerCommandLine.Parse(["--che=x"])).Message);

    [Theory]
    [InlineData("--check-timeout=soon", "Value \"soon\" invalid for option check-timeout (number expected)")]
    [InlineData("--listen-fds=yes", "Option listen-fds does not take an argument")]
    [InlineData("--user", "Option user requires an argument")]
    public void AMalformedValueIsAUsageError(string arg, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => StartServerCommandLine.Parse([arg])).Message);
}
