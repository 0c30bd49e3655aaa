using StarterHost.Tests.Support;

namespace StarterHost.Tests.Configuration;

/// <summary>
/// Bad input, refused in one line before anything is bound or spawned: the command line, the configuration files,
/// the environment, keys on the command line and the rules between options, each row the whole line. Run
/// in-process (<see cref="InProcessStart"/>) through the start-up Program.cs runs; Integration/BadInputTests and
/// ConfigurationErrorTests launch StarterHost for a few of these rows, to prove the wiring. ({dir} is the test's
/// working directory, {file} the appsettings.json in it.)
/// </summary>
public sealed class RefusalTests : IDisposable
{
    private const string NoServer = "server program not specified: give the worker command after \"--\" (or as Starter:Command; configuration files read: none (no appsettings.json in {dir}))";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string AppSettings => _dir.File("appsettings.json");

    private InProcessStart Run(string[] args, Dictionary<string, string?>? environment = null) => InProcessStart.Run(args, environment, _dir.Path);

    private string Expected(string line) =>
        line.Replace("{dir}", _dir.Path, StringComparison.Ordinal).Replace("{file}", AppSettings, StringComparison.Ordinal);

    [Theory]
    [InlineData(new[] { "--port=8080" }, NoServer)]
    [InlineData(new[] { "--port=abc", "--", "true" }, "invalid ``port'' value:abc: expected PORT, HOST:PORT or [IPV6]:PORT, optionally with a 'u' before the port for UDP and =FD after it")]
    [InlineData(new[] { "--port=70000", "--", "true" }, "invalid ``port'' value:70000: port 70000 is out of range (0-65535)")]
    [InlineData(new[] { "--port=[::1:8080", "--", "true" }, "invalid ``port'' value:[::1:8080: expected PORT, HOST:PORT or [IPV6]:PORT, optionally with a 'u' before the port for UDP and =FD after it")]
    [InlineData(new[] { "--port=127.0.0.1:0=3", "--port=127.0.0.1:0=3", "--", "true" }, "file descriptor 3 is requested by more than one --port")]
    [InlineData(new[] { "--bogus", "--", "true" }, "Unknown option: bogus")]
    [InlineData(new[] { "--prot=8080", "--", "true" }, "Unknown option: prot; did you mean --port?")]
    [InlineData(new[] { "--pidfile=x.pid", "--", "true" }, "Unknown option: pidfile; did you mean --pid-file?")]
    [InlineData(new[] { "--deamonize", "--", "true" }, "Unknown option: deamonize; did you mean --daemonize?")]
    [InlineData(new[] { "--signal-on", "--", "true" }, "Option signal-on is ambiguous (signal-on-hup, signal-on-term)")]
    [InlineData(new[] { "--port" }, "Option port requires an argument")]
    [InlineData(new[] { "--stop=now" }, "Option stop does not take an argument")]
    [InlineData(new[] { "--signal-on-hup=FOO", "--", "true" }, "Starter:SignalOnHup=FOO (--signal-on-hup): unknown signal name")]
    [InlineData(new[] { "--signal-on-term=SIGNOPE", "--", "true" }, "Starter:SignalOnTerm=SIGNOPE (--signal-on-term): unknown signal name")]
    [InlineData(new[] { "--interval=-1", "--", "true" }, "Starter:Interval=-1 (--interval) is out of range: expected 0 to 86400")]
    [InlineData(new[] { "--interval=soon", "--", "true" }, "Value \"soon\" invalid for option interval (number expected)")]
    [InlineData(new[] { "--backlog=-1", "--", "true" }, "Starter:Backlog=-1 (--backlog) is out of range: expected 1 to 2147483647")]
    [InlineData(new[] { "--backlog=99999999999", "--", "true" }, "Starter:Backlog=99999999999 (--backlog) is out of range: expected 1 to 2147483647")]
    [InlineData(new[] { "--max-start-failures=99999999999", "--", "true" }, "Starter:MaxStartFailures=99999999999 (--max-start-failures) is out of range: expected 0 to 2147483647")]
    [InlineData(new[] { "--workers=99999999999", "--", "true" }, "Starter:Workers=99999999999 (--workers) is out of range: expected 1 to 4096")]
    [InlineData(new[] { "--max-worker-rss=-99999999999", "--", "true" }, "Starter:MaxWorkerRss=-99999999999 (--max-worker-rss) is out of range: expected 0 to 1048576")]
    [InlineData(new[] { "--envdir=/nonexistent/envdir", "--", "true" }, "Starter:EnvDir=/nonexistent/envdir (--envdir): No such file or directory")]
    [InlineData(new[] { "--envdir=/etc/passwd", "--", "true" }, "Starter:EnvDir=/etc/passwd (--envdir): Not a directory")]
    [InlineData(new[] { "--dir=/nonexistent/dir", "--", "true" }, "Starter:Dir=/nonexistent/dir (--dir): no such directory")]
    [InlineData(new[] { "--restart" }, "--restart option requires --pid-file and --status-file to be set as well (Starter:PidFile, Starter:StatusFile)")]
    [InlineData(new[] { "--restart", "--pid-file=/tmp/x.pid" }, "--restart option requires --pid-file and --status-file to be set as well (Starter:PidFile, Starter:StatusFile)")]
    [InlineData(new[] { "--stop" }, "--stop option requires --pid-file to be set as well (Starter:PidFile)")]
    [InlineData(new[] { "--status" }, "--status option requires --status-json to be set as well (Starter:StatusJson)")]
    [InlineData(new[] { "--status-json=/tmp/x.status", "--status-file=/tmp/x.status", "--", "true" }, "Starter:StatusJson=/tmp/x.status (--status-json) is also --status-file")]
    [InlineData(new[] { "--status-json=/tmp/x.status.failure", "--status-file=/tmp/x.status", "--", "true" }, "Starter:StatusJson=/tmp/x.status.failure (--status-json) is also the status file's .failure companion")]
    [InlineData(new[] { "--daemonize", "--", "true" }, "--daemonize requires --log-file (Starter:LogFile): a detached process has no terminal to write to")]
    [InlineData(new[] { "--", "no-such-command-4711" }, "command not found: no-such-command-4711 (searched PATH=/usr/bin:/bin)")]
    [InlineData(new[] { "--", "/nonexistent/bin/server" }, "command not found: /nonexistent/bin/server")]
    [InlineData(new[] { "--", "/tmp" }, "command is a directory: /tmp")]
    [InlineData(new[] { "--", "python3 app.py" }, "command not found: python3 app.py (searched PATH=/usr/bin:/bin); a command is a list, the program then its arguments: [\"python3\", \"app.py\"]")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--log-file=/nonexistent/dir/log", "--", "true" }, "failed to open log file:/nonexistent/dir/log: No such file or directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--status-file=/nonexistent/dir/status", "--", "true" }, "Starter:StatusFile=/nonexistent/dir/status (--status-file): cannot create files in /nonexistent/dir: No such file or directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--status-file=/etc/passwd/status", "--", "true" }, "Starter:StatusFile=/etc/passwd/status (--status-file): cannot create files in /etc/passwd: Not a directory")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--status-json=/nonexistent/dir/status.json", "--", "true" }, "Starter:StatusJson=/nonexistent/dir/status.json (--status-json): cannot create files in /nonexistent/dir: No such file or directory")]
    [InlineData(new[] { "--config=missing.json", "--", "true" }, "--config=missing.json: No such file or directory")]
    [InlineData(new[] { "--config=/tmp", "--", "true" }, "--config=/tmp: Is a directory")]
    [InlineData(new[] { "--status-json=/tmp/x.status", "--pid-file=/tmp/x.status", "--", "true" }, "Starter:StatusJson=/tmp/x.status (--status-json) is also --pid-file")]
    [InlineData(new[] { "--reload", "--status-file=/tmp/x.status" }, "--reload option requires --pid-file and --status-file to be set as well (Starter:PidFile, Starter:StatusFile)")]
    [InlineData(new[] { "--log-file=/nonexistent/dir/log", "--daemonize", "--", "true" }, "failed to open log file:/nonexistent/dir/log: No such file or directory")]
    [InlineData(new[] { "--check-command= ", "--", "true" }, "Starter:CheckCommand (--check-command) is empty")]
    [InlineData(new[] { "--interval=-1", "--backlog=-1", "--", "true" }, "Starter:Interval=-1 (--interval) is out of range: expected 0 to 86400; Starter:Backlog=-1 (--backlog) is out of range: expected 1 to 2147483647")]
    public void ACommandLineIsRefused(string[] args, string expected) => Run(args).AssertRefused(Expected(expected));

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
    public void AnAppSettingsFileIsRefused(string json, string expected)
    {
        File.WriteAllText(AppSettings, json);
        Run([]).AssertRefused(Expected(expected));
    }

    [Theory]
    [InlineData("Starter__Prot", "8080", "unknown setting Starter:Prot (in environment variable Starter__Prot); did you mean Starter:Port?")]
    [InlineData("Starter__Daemonise", "true", "unknown setting Starter:Daemonise (in environment variable Starter__Daemonise); did you mean Starter:Daemonize?")]
    [InlineData("Starter__Interval", "1s", "Starter:Interval=1s (in environment variable Starter__Interval): expected a number")]
    [InlineData("KILL_OLD_DELAY", "soon", "Starter:KillOldDelay=soon (in environment variable KILL_OLD_DELAY): expected a number")]
    [InlineData("Logging__LogLevel__Default", "Nope", "Logging:LogLevel:Default=Nope (in environment variable Logging__LogLevel__Default): expected Trace, Debug, Information, Warning, Error, Critical or None")]
    [InlineData("ENVDIR", "/nonexistent/envdir", "Starter:EnvDir=/nonexistent/envdir (--envdir): No such file or directory")]
    [InlineData("Starter__Port__web", "8080", "Starter:Port:web (in environment variable Starter__Port__web): expected a list of strings")]
    public void AnEnvironmentVariableIsRefused(string variable, string value, string expected) =>
        Run(["--", "true"], new() { [variable] = value }).AssertRefused(expected);

    [Theory]
    [InlineData("--Starter:Prot=8080", "unknown setting Starter:Prot (in command line --Starter:Prot); did you mean Starter:Port?")]
    [InlineData("--Startr:Port=8080", "unknown section Startr (in command line --Startr); did you mean Starter?")]
    [InlineData("--Starter:Backlog=many", "Starter:Backlog=many (in command line --Starter:Backlog): expected a whole number")]
    [InlineData("--Starter:Backlog=99999999999", "Starter:Backlog=99999999999 (in command line --Starter:Backlog) is out of range: expected 1 to 2147483647")]
    [InlineData("--Starter:Workers=-99999999999", "Starter:Workers=-99999999999 (in command line --Starter:Workers) is out of range: expected 1 to 4096")]
    [InlineData("--Logging:LogLevel:Default=Nope", "Logging:LogLevel:Default=Nope (in command line --Logging:LogLevel:Default): expected Trace, Debug, Information, Warning, Error, Critical or None")]
    [InlineData("--Starter:Port:0=nope", "invalid ``port'' value:nope: expected PORT, HOST:PORT or [IPV6]:PORT, optionally with a 'u' before the port for UDP and =FD after it")]
    public void ACommandLineKeyIsRefused(string key, string expected) => Run([key, "--", "true"]).AssertRefused(expected);

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

    [Fact]
    public void ACommandWithoutExecutePermissionIsReportedAsSuch()
    {
        string script = _dir.File("server.sh");
        File.WriteAllText(script, "#!/bin/sh\n");
        Run(["--", script]).AssertRefused($"command is not executable: {script}: Permission denied");
    }

    [Theory]
    [InlineData(new[] { "--workers=0" }, "Starter:Workers=0 (--workers) is out of range: expected 1 to 4096")]
    [InlineData(new[] { "--Starter:Workers=5000" }, "Starter:Workers=5000 (--workers) is out of range: expected 1 to 4096")]
    [InlineData(new[] { "--workers=2.5" }, "Value \"2.5\" invalid for option workers (integer expected)")]
    [InlineData(new[] { "--handover=sideways" }, "Value \"sideways\" invalid for option handover (all or rolling expected)")]
    [InlineData(new[] { "--Starter:Handover=sideways" }, "Starter:Handover=sideways (in command line --Starter:Handover): expected all or rolling")]
    [InlineData(new[] { "--max-worker-lifetime=-1" }, "Starter:MaxWorkerLifetime=-1 (--max-worker-lifetime) is out of range: expected 0 to 31536000")]
    [InlineData(new[] { "--max-worker-rss=lots" }, "Value \"lots\" invalid for option max-worker-rss (integer expected)")]
    [InlineData(new[] { "--Starter:MaxWorkerRss=-5" }, "Starter:MaxWorkerRss=-5 (--max-worker-rss) is out of range: expected 0 to 1048576")]
    public void APoolOptionIsRefused(string[] args, string expected) => Run([.. args, "--", "true"]).AssertRefused(expected);

    [Theory]
    [InlineData(new[] { "--port=127.0.0.1:0=5", "--listen-fds" }, "--port 127.0.0.1:0=5 conflicts with --listen-fds, which passes the listeners at fds 3 upward in order: this one is fd 3")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--port=127.0.0.1:0=3", "--listen-fds" }, "--port 127.0.0.1:0=3 conflicts with --listen-fds, which passes the listeners at fds 3 upward in order: this one is fd 4")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--listen-fds", "--listen-fdnames=a:b" }, "Starter:ListenFdNames=a:b (--listen-fdnames) names 2 socket(s), but there are 1 listener(s) (127.0.0.1:0)")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--listen-fds", "--listen-fdnames=" }, "Starter:ListenFdNames= (--listen-fdnames): a name is empty")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--listen-fds", "--listen-fdnames=caf\u00e9" }, "Starter:ListenFdNames=caf\u00e9 (--listen-fdnames): 'caf\u00e9' has a character that is not printable ASCII")]
    [InlineData(new[] { "--port=127.0.0.1:0", "--listen-fdnames=web" }, "Starter:ListenFdNames=web (--listen-fdnames) requires --listen-fds (Starter:ListenFds)")]
    [InlineData(new[] { "--listen-fds", "--port=127.0.0.1:99999" }, "invalid ``port'' value:127.0.0.1:99999: port 99999 is out of range (0-65535)")] // once, though two checks parse it
    public void ASocketActivationContradictionIsRefused(string[] args, string expected) => Run([.. args, "--", "true"]).AssertRefused(expected);

    [Theory]
    [InlineData("--user=no-such-user-4711", "Starter:User=no-such-user-4711 (--user): unknown user no-such-user-4711")]
    [InlineData("--group=no-such-group-4711", "Starter:Group=no-such-group-4711 (--group): unknown group no-such-group-4711")]
    [InlineData("--path-owner=no-such-user-4711:daemon", "Starter:PathOwner=no-such-user-4711:daemon (--path-owner): unknown user no-such-user-4711")]
    [InlineData("--path-owner=daemon:no-such-group-4711", "Starter:PathOwner=daemon:no-such-group-4711 (--path-owner): unknown group no-such-group-4711")]
    [InlineData("--path-owner=:", "Starter:PathOwner=: (--path-owner): expected USER, USER:GROUP or :GROUP")]
    [InlineData("--path-mode=0999", "Starter:PathMode=0999 (--path-mode): expected an octal mode from 0 to 0777, such as 0660")]
    [InlineData("--path-mode=01777", "Starter:PathMode=01777 (--path-mode): expected an octal mode from 0 to 0777, such as 0660")]
    public void AnUnknownNameOrABadModeIsRefused(string option, string expected) =>
        Run(["--port=127.0.0.1:0", option, "--", "true"]).AssertRefused(expected);

    [Fact]
    public void GoodInputIsAccepted()
    {
        var options = Run(["--port=127.0.0.1:0", "--path", _dir.File("s.sock"), "--interval=0.5", "--workers=3", $"--status-file={_dir.File("status")}", "--", "true"])
            .AssertAccepted();
        Assert.Equal(["127.0.0.1:0"], options.Port);
        Assert.Equal([_dir.File("s.sock")], options.Path);
        Assert.Equal((0.5, 3, "true"), (options.Interval, options.Workers, options.Command.Single()));
    }
}
