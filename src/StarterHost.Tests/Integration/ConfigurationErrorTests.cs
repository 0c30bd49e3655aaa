using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// Configuration that refuses to guess: a bad file, an unknown key or a value of the wrong type, from any
/// source, is one line naming the key, where it came from and what was expected. ({file} is the
/// appsettings.json of the test's working directory.)
/// </summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string AppSettings => _dir.File("appsettings.json");

    [Theory]
    [InlineData("{ \"Starter\": { \"Port\": [ \"8080\" ] } }x", "{file}:1:38: invalid JSON: 'x' is invalid after a single JSON value. Expected end of data.")]
    [InlineData("{\n  \"Starter\": {\n    \"Port\": [ \"8080\" ]\n    \"Command\": [ \"true\" ]\n  }\n}", "{file}:4:5: invalid JSON: '\"' is invalid after a value. Expected either ',', '}', or ']'.")]
    [InlineData("{ \"Starter\": { \"Pört\": 1 ", "{file}:1:26: invalid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.")]
    [InlineData("{\n  \"Starter\": {\n    \"Pört\": 1 x } }", "{file}:3:15: invalid JSON: 'x' is invalid after a value. Expected either ',', '}', or ']'.")] // characters, not bytes
    [InlineData("[ 1 ]", "{file}: invalid configuration: Top-level JSON element must be an object. Instead, 'Array' was found.")]
    [InlineData("{ \"Starter\": { \"Prot\": [ \"8080\" ], \"Command\": [ \"true\" ] } }", "unknown setting Starter:Prot (in {file}); did you mean Starter:Port?")]
    [InlineData("{ \"Starter\": { \"signalonhub\": \"TERM\", \"Command\": [ \"true\" ] } }", "unknown setting Starter:signalonhub (in {file}); did you mean Starter:SignalOnHup?")]
    [InlineData("{ \"Startr\": { \"Command\": [ \"true\" ] } }", "unknown section Startr (in {file}); did you mean Starter?")]
    [InlineData("{ \"Starter\": { \"Interval\": \"soon\", \"Command\": [ \"true\" ] } }", "Starter:Interval=soon (in {file}): expected a number")]
    [InlineData("{ \"Starter\": { \"Backlog\": 1.5, \"Command\": [ \"true\" ] } }", "Starter:Backlog=1.5 (in {file}): expected a whole number")]
    [InlineData("{ \"Starter\": { \"Daemonize\": \"yes\", \"Command\": [ \"true\" ] } }", "Starter:Daemonize=yes (in {file}): expected true or false")]
    [InlineData("{ \"Starter\": { \"Readiness\": \"ready\", \"Command\": [ \"true\" ] } }", "Starter:Readiness=ready (in {file}): expected interval or notify")]
    [InlineData("{ \"Starter\": { \"Interval\": [ 1 ], \"Command\": [ \"true\" ] } }", "Starter:Interval (in {file}) is a list or an object: expected a number")]
    [InlineData("{ \"Starter\": { \"Port\": { \"web\": \"8080\" }, \"Command\": [ \"true\" ] } }", "Starter:Port:web (in {file}): expected a list of strings")]
    [InlineData("{ \"Starter\": { \"Command\": \"python3 app.py\" } }", "command not found: python3 app.py (searched PATH=/usr/bin:/bin); a command is a list, the program then its arguments: [\"python3\", \"app.py\"]")]
    [InlineData("{ \"Startr\": { } }", "unknown section Startr (in {file}); did you mean Starter?")]
    [InlineData("{ \"Starter\": 5 }", "Starter=5 (in {file}): expected a section, not a value")]
    [InlineData("{ \"Starter\": { \"Command\": [ \"true\" ] }, \"Logging\": \"Debug\" }", "Logging=Debug (in {file}): expected a section, not a value")]
    [InlineData("{ \"Starter\": { \"Command\": [ \"true\" ] }, \"Loging\": { } }", "unknown section Loging (in {file}); did you mean Logging?")]
    [InlineData("{ \"Starter\": { \"Command\": [ \"true\" ] }, \"Logging\": { \"LogLevel\": { \"Default\": \"Verbose\" } } }", "Logging:LogLevel:Default=Verbose (in {file}): expected Trace, Debug, Information, Warning, Error, Critical or None")]
    [InlineData("{ \"Starter\": { \"Command\": [ \"true\" ] }, \"Logging\": { \"Console\": { \"LogLevel\": { \"StarterHost\": \"loud\" } } } }", "Logging:Console:LogLevel:StarterHost=loud (in {file}): expected Trace, Debug, Information, Warning, Error, Critical or None")]
    [InlineData("{ \"Starter\": { \"Backlog\": 99999999999, \"Command\": [ \"true\" ] } }", "Starter:Backlog=99999999999 (in {file}) is out of range: expected 1 to 2147483647")]
    [InlineData("{ \"Logging\": { } }", "server program not specified: give the worker command after \"--\" (or as Starter:Command; configuration files read: {file})")]
    public void AnAppSettingsFileIsRefusedWithOneLine(string json, string expected)
    {
        File.WriteAllText(AppSettings, json);
        Run([]).AssertRefused(expected.Replace("{file}", AppSettings, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Starter__Prot", "8080", "unknown setting Starter:Prot (in environment variable Starter__Prot); did you mean Starter:Port?")]
    [InlineData("Starter__Daemonise", "true", "unknown setting Starter:Daemonise (in environment variable Starter__Daemonise); did you mean Starter:Daemonize?")]
    [InlineData("Starter__Interval", "1s", "Starter:Interval=1s (in environment variable Starter__Interval): expected a number")]
    [InlineData("KILL_OLD_DELAY", "soon", "Starter:KillOldDelay=soon (in environment variable KILL_OLD_DELAY): expected a number")]
    [InlineData("Logging__LogLevel__Default", "Nope", "Logging:LogLevel:Default=Nope (in environment variable Logging__LogLevel__Default): expected Trace, Debug, Information, Warning, Error, Critical or None")]
    public void AnEnvironmentVariableIsRefusedWithOneLine(string variable, string value, string expected) =>
        Run(["--", "true"], new Dictionary<string, string?> { [variable] = value }).AssertRefused(expected);

    [Theory]
    [InlineData("--Starter:Prot=8080", "unknown setting Starter:Prot (in command line --Starter:Prot); did you mean Starter:Port?")]
    [InlineData("--Startr:Port=8080", "unknown section Startr (in command line --Startr); did you mean Starter?")]
    [InlineData("--Starter:Backlog=many", "Starter:Backlog=many (in command line --Starter:Backlog): expected a whole number")]
    [InlineData("--Starter:Backlog=99999999999", "Starter:Backlog=99999999999 (in command line --Starter:Backlog) is out of range: expected 1 to 2147483647")]
    [InlineData("--Starter:Workers=-99999999999", "Starter:Workers=-99999999999 (in command line --Starter:Workers) is out of range: expected 1 to 4096")]
    [InlineData("--Logging:LogLevel:Default=Nope", "Logging:LogLevel:Default=Nope (in command line --Logging:LogLevel:Default): expected Trace, Debug, Information, Warning, Error, Critical or None")]
    [InlineData("--Starter:Port:0=nope", "invalid ``port'' value:nope: expected PORT, HOST:PORT or [IPV6]:PORT, optionally with a 'u' before the port for UDP and =FD after it")]
    public void ACommandLineKeyIsRefusedWithOneLine(string key, string expected) =>
        Run([key, "--", "true"]).AssertRefused(expected);

    [Fact]
    public void AnErrorInAConfigFileNamesThatFile()
    {
        File.WriteAllText(AppSettings, "{ \"Starter\": { \"Command\": [ \"true\" ] } }");
        string extra = _dir.File("extra.json");
        File.WriteAllText(extra, "{ \"Starter\": { \"Intervall\": 2 } }");
        Run(["--config=extra.json"]).AssertRefused($"unknown setting Starter:Intervall (in {extra}); did you mean Starter:Interval?");
    }

    [Fact]
    public void ASectionGivenAValueInAConfigFileNamesThatFile()
    {
        string extra = _dir.File("extra.json");
        File.WriteAllText(extra, "{ \"Starter\": 5 }");
        Run(["--config=extra.json", "--", "true"]).AssertRefused($"Starter=5 (in {extra}): expected a section, not a value");
    }

    private OneShot Run(string[] args, Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        environment["PATH"] = "/usr/bin:/bin";
        return OneShot.Run(args, environment, _dir.Path);
    }
}
