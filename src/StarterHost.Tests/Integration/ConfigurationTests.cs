using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>The same settings from appsettings.json, Starter__* variables and --Starter:* keys, later wins.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public ConfigurationTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AConfigFileAloneDrivesADeployment()
    {
        File.WriteAllText(_dir.File("appsettings.json"), $$"""
            { "Starter": { "Port": [ "127.0.0.1:0" ], "Path": [ "{{_dir.File("s.sock")}}" ],
                           "Command": [ "perl", "{{TestWorker.Script}}" ], "Interval": 0.1,
                           "StatusFile": "{{_dir.File("status")}}" } }
            """);
        using var starter = StarterProcess.Start([], _worker.Environment, workingDirectory: _dir.Path);
        int first = starter.WorkerPid(1);
        Assert.Equal($"gen=1 pid={first} key={_dir.File("s.sock")}", WorkerClient.Ask(_dir.File("s.sock")));
        Eventually.True(() => File.Exists(_dir.File("status")), "the configured status file");
    }

    [Fact]
    public void EnvironmentOverridesTheFileAndTheCommandLineOverridesBoth()
    {
        File.WriteAllText(_dir.File("appsettings.json"), $$"""
            { "Starter": { "Port": [ "127.0.0.1:0" ], "Command": [ "perl", "{{TestWorker.Script}}" ],
                           "SignalOnHup": "QUIT", "SignalOnTerm": "QUIT" } }
            """);
        var environment = new Dictionary<string, string?>(_worker.Environment)
        {
            ["Starter__SignalOnHup"] = "USR1",
            ["Starter__SignalOnTerm"] = "USR1",
            ["Starter__Interval"] = "0.1",
        };
        using var starter = StarterProcess.Start(["--Starter:SignalOnTerm=USR2"], environment, workingDirectory: _dir.Path);
        int first = starter.WorkerPid(1);
        _worker.Events.WaitFor("ready .*gen=1");
        starter.Signal(StarterHost.Signals.SignalNames.Hup);
        _worker.Events.WaitFor($"signal USR1 gen=1 pid={first}");
        int second = starter.WorkerPid(2);
        // Its handlers are in place only once it says ready: a USR2 before then would kill it unrecorded.
        _worker.Events.WaitFor($"ready .*gen=2 pid={second}");
        starter.Signal(StarterHost.Signals.SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.True(_worker.Events.Has($"signal USR2 gen=2 pid={second}"), string.Join('\n', _worker.Events.Lines));
    }

    [Fact]
    public void ConfigFilesComeAfterTheEnvironmentsFileAndTheFirstLineNamesEveryFileRead()
    {
        File.WriteAllText(_dir.File("appsettings.json"), $$"""
            { "Starter": { "Port": [ "127.0.0.1:0" ], "Command": [ "perl", "{{TestWorker.Script}}" ], "SignalOnTerm": "QUIT" } }
            """);
        File.WriteAllText(_dir.File("appsettings.Staging.json"), """{ "Starter": { "Interval": 0.1, "SignalOnTerm": "USR1" } }""");
        Directory.CreateDirectory(_dir.File("etc"));
        File.WriteAllText(_dir.File("etc/extra.json"), """{ "Starter": { "SignalOnTerm": "USR2" } }""");
        var environment = new Dictionary<string, string?>(_worker.Environment) { ["DOTNET_ENVIRONMENT"] = "Staging" };
        using var starter = StarterProcess.Start(["--config=etc/extra.json"], environment, workingDirectory: _dir.Path);
        int first = starter.WorkerPid(1);
        Assert.Matches(@$"^\S+ \S+ configuration files read: {_dir.File("appsettings.json")}, {_dir.File("appsettings.Staging.json")}, {_dir.File("etc/extra.json")}$", starter.Output.Split('\n')[0]);
        _worker.Events.WaitFor("ready .*gen=1");
        starter.Signal(StarterHost.Signals.SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.True(_worker.Events.Has($"signal USR2 gen=1 pid={first}"), string.Join('\n', _worker.Events.Lines));
    }

    [Fact]
    public void PlainValuesFillTheListSettings()
    {
        // What the issue and an operator write: --Starter:Port=8080, Starter__Path=/run/app.sock.
        var environment = new Dictionary<string, string?>(_worker.Environment) { ["Starter__Path"] = _dir.File("s.sock") };
        using var starter = StarterProcess.Start(
            ["--Starter:Port=127.0.0.1:0, [::1]:0", "--Starter:Command:0=perl", $"--Starter:Command:1={TestWorker.Script}", "--Starter:Interval=0.1"],
            environment, workingDirectory: _dir.Path);
        var ready = _worker.Events.WaitFor(@"ready .* ports=(\S+) .*gen=1");
        Assert.Equal($"127.0.0.1:0=3;[::1]:0=4;{_dir.File("s.sock")}=5", ready.Groups[1].Value);
    }

    [Fact]
    public void StartServerOptionsReplaceConfiguredListsWhole()
    {
        File.WriteAllText(_dir.File("appsettings.json"), """
            { "Starter": { "Port": [ "127.0.0.1:0", "127.0.0.1:1" ], "Command": [ "false" ] } }
            """);
        using var starter = StarterProcess.Start([$"--path={_dir.File("s.sock")}", "--port=127.0.0.1:0", "--interval=0.1", .. _worker.Command], _worker.Environment, workingDirectory: _dir.Path);
        var ready = _worker.Events.WaitFor(@"ready fds=(\S+) .*gen=1");
        Assert.Equal("0,1,2,3,4", ready.Groups[1].Value); // one port (not two) and the path
    }

    [Fact]
    public void StartServerEnvironmentVariablesAreHonoured()
    {
        var environment = new Dictionary<string, string?>(_worker.Environment)
        {
            ["ENABLE_AUTO_RESTART"] = "1",
            ["AUTO_RESTART_INTERVAL"] = "1",
            ["KILL_OLD_DELAY"] = "0",
        };
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--interval=0.1", .. _worker.Command], environment);
        int first = starter.WorkerPid(1);
        starter.WaitForLine(@"autorestart triggered \(interval=1\)");
        _worker.Events.WaitFor($"signal TERM gen=1 pid={first}");
        Assert.DoesNotContain("sleeping", starter.Output);
    }
}
