using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>What a worker inherits: its environment, its descriptors, its signal state.</summary>
public sealed class EnvironmentTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public EnvironmentTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheEnvDirIsReadAgainBeforeEverySpawn()
    {
        string envDir = Directory.CreateDirectory(_dir.File("env")).FullName;
        File.WriteAllText(Path.Combine(envDir, "WORKER_ENVVAR"), "one\nignored second line\n");
        File.WriteAllText(Path.Combine(envDir, ".hidden"), "x");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--envdir={envDir}", "--interval=0.1", .. _worker.Command], _worker.Environment);
        _worker.Events.WaitFor("ready .*envvar=one gen=1");

        File.WriteAllText(Path.Combine(envDir, "WORKER_ENVVAR"), "two\n");
        // Settings StarterHost itself reads from the environment can come from the envdir too.
        File.WriteAllText(Path.Combine(envDir, "KILL_OLD_DELAY"), "0.5\n");
        starter.Signal(SignalNames.Hup);
        _worker.Events.WaitFor("ready .*envvar=two gen=2");
        starter.WaitForLine("sleeping 0.5 secs before killing old workers");

        File.Delete(Path.Combine(envDir, "WORKER_ENVVAR"));
        starter.Signal(SignalNames.Hup);
        _worker.Events.WaitFor("ready .*envvar= gen=3");
    }

    [Fact]
    public void AWorkerGetsItsListenersAtTheNamedDescriptorsAndNothingElse()
    {
        using var starter = StarterProcess.Start(
            ["--port=127.0.0.1:0", "--port=127.0.0.1:0=7", $"--path={_dir.File("s.sock")}", "--interval=0.1", .. _worker.Command],
            _worker.Environment);
        var ready = _worker.Events.WaitFor(@"ready fds=(\S+) sigblk=(\S+) .*gen=1");
        // 0-2, the unnumbered listeners from 3 up, the numbered one where asked. The events file the
        // worker itself opens is closed again before it lists its descriptors.
        Assert.Equal("0,1,2,3,4,7", ready.Groups[1].Value);
        Assert.Equal("0000000000000000", ready.Groups[2].Value);
        int port = starter.BoundPort("127.0.0.1:0=7".Split('=')[0]);
        Assert.Matches("^gen=1 pid=\\d+ key=127.0.0.1:0$", WorkerClient.Ask(port));
        Assert.Matches($"^gen=1 pid=\\d+ key={_dir.File("s.sock")}$", WorkerClient.Ask(_dir.File("s.sock")));
    }

    [Fact]
    public void WorkersRunInTheDirectoryGiven()
    {
        string dir = Directory.CreateDirectory(_dir.File("workdir")).FullName;
        using var starter = StarterProcess.Start(
            ["--port=127.0.0.1:0", $"--dir={dir}", "--", "/bin/sh", "-c", $"pwd > {_dir.File("pwd")}; exec sleep 60"]);
        starter.WorkerPid(1);
        Eventually.True(() => File.Exists(_dir.File("pwd")) && File.ReadAllText(_dir.File("pwd")) == dir + "\n", "the worker's pwd");
    }

    [Fact]
    public void ThePortVariableIsRenderedAsStartServerRendersIt()
    {
        using var starter = StarterProcess.Start(
            ["--port= 127.0.0.1 : 0 ", "--port=[::1]:0", "--port=u0", $"--path={_dir.File("s.sock")}", "--",
             "/bin/sh", "-c", $"printf '%s|%s' \"$SERVER_STARTER_PORT\" \"$SERVER_STARTER_GENERATION\" > {_dir.File("env")}; exec sleep 60"]);
        starter.WorkerPid(1);
        string env = Eventually.Get(() => File.Exists(_dir.File("env")) && File.ReadAllText(_dir.File("env")) is { Length: > 0 } s ? s : null, "the worker's environment");
        Assert.Equal($"127.0.0.1:0=3;[::1]:0=4;0=5;{_dir.File("s.sock")}=6|1", env);
    }
}
