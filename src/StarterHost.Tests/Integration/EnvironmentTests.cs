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

    /// <summary>start_server passes an envdir's bytes and its own environment's as they are, UTF-8 or not.</summary>
    [Fact]
    public void ValuesThatAreNotUtf8ReachTheWorkerAsTheirBytes()
    {
        string envDir = Directory.CreateDirectory(_dir.File("env")).FullName;
        byte[] fromEnvDir = [0x61, 0xFF, 0xC3, 0xA9, 0x80, 0x62];
        File.WriteAllBytes(Path.Combine(envDir, "RAW"), [.. fromEnvDir, 0x0A, 0x63]);
        string worker = $"printf %s \"$RAW\" > {_dir.File("envdir.out")}; printf %s \"$INHERITED\" > {_dir.File("inherited.out")}; exec sleep 60";
        // StarterHost started with a variable that is not UTF-8, which .NET's own environment would show as U+FFFD.
        using var starter = StarterProcess.StartProgram("/bin/sh",
            ["-c", "INHERITED=$(printf 'x\\351y\\377'); export INHERITED; exec \"$0\" \"$@\"", StarterProcess.ExecutablePath,
             "--port=127.0.0.1:0", $"--envdir={envDir}", "--", "/bin/sh", "-c", worker]);
        Eventually.True(() => File.Exists(_dir.File("inherited.out")), "the worker wrote what it got");
        Assert.Equal(fromEnvDir, File.ReadAllBytes(_dir.File("envdir.out")));
        Assert.Equal(new byte[] { 0x78, 0xE9, 0x79, 0xFF }, File.ReadAllBytes(_dir.File("inherited.out")));
    }

    [Fact]
    public void AnEnvDirFileWhoseNameCannotBeAVariableIsSkippedWithAWarningOnce()
    {
        string envDir = Directory.CreateDirectory(_dir.File("env")).FullName;
        File.WriteAllText(Path.Combine(envDir, "WORKER_ENVVAR"), "kept\n");
        foreach (string name in (string[])["A=B", "WITH SPACE", "NEW\nLINE"])
            File.WriteAllText(Path.Combine(envDir, name), "skipped\n");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--envdir={envDir}", "--interval=0.1", .. _worker.Command], _worker.Environment);
        _worker.Events.WaitFor("ready .*envvar=kept gen=1");
        starter.Signal(SignalNames.Hup);
        _worker.Events.WaitFor("ready .*envvar=kept gen=2");
        foreach (string name in (string[])["A=B", "WITH SPACE"])
            Assert.Single(starter.Output.Split('\n'), l => l.EndsWith($" skipping envdir file {Path.Combine(envDir, name)}: a variable's name cannot hold '=', white space or a control character", StringComparison.Ordinal));
        // The file with a newline in its name is named too (its line is broken in two by that newline).
        Assert.Single(starter.Output.Split('\n'), l => l.EndsWith($" skipping envdir file {envDir}/NEW", StringComparison.Ordinal));
        int worker = starter.WorkerPid(2);
        string environ = File.ReadAllText($"/proc/{worker}/environ");
        Assert.DoesNotContain("skipped", environ);
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
