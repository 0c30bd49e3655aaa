using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// Configuration that refuses to guess: a bad file, an unknown key or a value of the wrong type, from any
/// source, is one line naming the key, where it came from and what was expected. ({file} is the
/// appsettings.json of the test's working directory.) The rows here launch StarterHost, one or two per source, to
/// prove the wiring; the table of every refusal runs in-process (Configuration/RefusalTests, DeclaredOptionTests).
/// </summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string AppSettings => _dir.File("appsettings.json");

    [Theory]
    [InlineData("{\n  \"Starter\": {\n    \"Port\": [ \"8080\" ]\n    \"Command\": [ \"true\" ]\n  }\n}", "{file}:4:5: invalid JSON: '\"' is invalid after a value. Expected either ',', '}', or ']'.")]
    [InlineData("{ \"Starter\": { \"Prot\": [ \"8080\" ], \"Command\": [ \"true\" ] } }", "unknown setting Starter:Prot (in {file}); did you mean Starter:Port?")]
    [InlineData("{ \"Starter\": 5 }", "Starter=5 (in {file}): expected a section, not a value")]
    public void AnAppSettingsFileIsRefusedWithOneLine(string json, string expected)
    {
        File.WriteAllText(AppSettings, json);
        Run([]).AssertRefused(expected.Replace("{file}", AppSettings, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Starter__Prot", "8080", "unknown setting Starter:Prot (in environment variable Starter__Prot); did you mean Starter:Port?")]
    [InlineData("KILL_OLD_DELAY", "soon", "Starter:KillOldDelay=soon (in environment variable KILL_OLD_DELAY): expected a number")]
    public void AnEnvironmentVariableIsRefusedWithOneLine(string variable, string value, string expected) =>
        Run(["--", "true"], new Dictionary<string, string?> { [variable] = value }).AssertRefused(expected);

    [Theory]
    [InlineData("--Starter:Prot=8080", "unknown setting Starter:Prot (in command line --Starter:Prot); did you mean Starter:Port?")]
    [InlineData("--Starter:Backlog=99999999999", "Starter:Backlog=99999999999 (in command line --Starter:Backlog) is out of range: expected 1 to 2147483647")]
    public void ACommandLineKeyIsRefusedWithOneLine(string key, string expected) =>
        Run([key, "--", "true"]).AssertRefused(expected);

    private OneShot Run(string[] args, Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        environment["PATH"] = "/usr/bin:/bin";
        return OneShot.Run(args, environment, _dir.Path);
    }
}
