using StarterHost.Cli;
using StarterHost.Configuration;

namespace StarterHost.Tests.Cli;

/// <summary>--status-json and --status on start_server's command line, beside start_server's own --status-file.</summary>
public sealed class StatusOptionsTests
{
    private static (CliMode Mode, StarterOptions Options) Parse(params string[] args)
    {
        var options = new StarterOptions();
        var line = StartServerCommandLine.Parse(args);
        line.ApplyTo(options);
        return (line.Mode, options);
    }

    [Fact]
    public void StatusJsonSetsItsSettingAndChangesNothingElse()
    {
        var (mode, options) = Parse("--status-json=/run/app.json", "--", "true");
        Assert.Equal((CliMode.Serve, "/run/app.json", (string?)null), (mode, options.StatusJson, options.StatusFile));
        Assert.Null(Parse("--port=8080", "--", "true").Options.StatusJson);
    }

    [Fact]
    public void StatusAloneIsTheClientMode()
    {
        var (mode, options) = Parse("--status", "--status-json", "a.json");
        Assert.Equal((CliMode.Status, "a.json"), (mode, options.StatusJson));
    }

    [Theory]
    // Server::Starter: both were --status-file, an abbreviation unique among its options; they still are.
    [InlineData("--status=/run/app.status")]
    [InlineData("--stat=/run/app.status")]
    [InlineData("--status-file=/run/app.status")]
    public void StartServersAbbreviationsOfStatusFileKeepTheirMeaning(string arg)
    {
        var (mode, options) = Parse(arg, "--", "true");
        Assert.Equal((CliMode.Serve, "/run/app.status", (string?)null), (mode, options.StatusFile, options.StatusJson));
    }

    [Fact]
    public void AnAbbreviationOfStatusJsonIsThatOption() =>
        Assert.Equal("x.json", Parse("--status-j=x.json", "--", "true").Options.StatusJson);
}
