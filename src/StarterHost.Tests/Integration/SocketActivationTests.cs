using System.Net;
using System.Net.Sockets;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// Socket activation end to end: systemd-socket-activate (Debian's systemd package) binds the sockets,
/// waits for the first connection, and execs StarterHost with LISTEN_FDS; the worker must serve that
/// very connection on the passed socket.
/// </summary>
public sealed class SocketActivationTests : IDisposable
{
    private const string Activator = "/usr/bin/systemd-socket-activate";
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;
    private readonly int _port = FreePort();

    public SocketActivationTests()
    {
        if (!File.Exists(Activator))
            Assert.Fail($"{Activator} is not installed (apt-get install systemd); .ci/run installs it");
        _worker = new TestWorker(_dir);
    }

    public void Dispose() => _dir.Dispose();

    private string SocketPath => _dir.File("s.sock");

    /// <summary>systemd-socket-activate passes only what -E names: the worker's steering variables and PATH.</summary>
    private string[] Launcher(params string[] listen) =>
        [Activator, .. listen.SelectMany(l => new[] { "-l", l }), "--fdname=web:api", "-E", "PATH", .. _worker.Environment.Keys.SelectMany(k => new[] { "-E", k })];

    private StarterProcess Activate(string[] starterArgs) =>
        StarterProcess.Start(["--interval=0.1", .. starterArgs, .. _worker.Command], _worker.Environment, launcher: Launcher(SocketPath, $"127.0.0.1:{_port}"));

    [Fact]
    public void TheWorkerServesOnThePassedSocketsAndStarterHostBindsNothing()
    {
        using var starter = Activate([$"--port=127.0.0.1:{_port}", $"--path={SocketPath}"]);
        WaitUntilListening(starter);
        ulong inode = Posix.TryGetFileStatus(SocketPath)!.Value.Inode;

        // This first connection is what makes the activator exec StarterHost; it waits in the queue meanwhile.
        string answer = WorkerClient.Ask(SocketPath);
        Assert.Equal($"gen=1 pid={starter.WorkerPid(1)} key={SocketPath}", answer);
        Assert.StartsWith("gen=1 ", WorkerClient.Ask(_port));
        Assert.EndsWith($" key=127.0.0.1:{_port}", WorkerClient.Ask(_port));

        starter.WaitForLine($@"using socket fd 3 \(web, {SocketPath}\) passed by the service manager as {SocketPath}=4");
        starter.WaitForLine($@"using socket fd 4 \(api, 127.0.0.1:{_port}\) passed by the service manager as 127.0.0.1:{_port}=3");
        Assert.DoesNotContain("listening on", starter.Output);
        // The socket file is the activator's: never removed and re-created.
        Assert.Equal(inode, Posix.TryGetFileStatus(SocketPath)!.Value.Inode);
        // The worker's listeners are the very sockets StarterHost was passed (same kernel socket).
        int worker = starter.WorkerPid(1);
        Assert.Equal(Link(starter.Pid, 4), Link(worker, 3));
        Assert.Equal(Link(starter.Pid, 3), Link(worker, 4));

        string[] environment = File.ReadAllText($"/proc/{worker}/environ").Split('\0');
        Assert.Contains($"SERVER_STARTER_PORT=127.0.0.1:{_port}=3;{SocketPath}=4", environment);
        Assert.DoesNotContain(environment, v => v.StartsWith("LISTEN_", StringComparison.Ordinal));

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        // Not StarterHost's to remove: the service manager owns it.
        Assert.True(File.Exists(SocketPath));
    }

    [Fact]
    public void WithNothingConfiguredEveryPassedSocketGoesToTheWorker()
    {
        using var starter = Activate([]);
        WaitUntilListening(starter);
        Assert.StartsWith("gen=1 ", WorkerClient.Ask(SocketPath));
        int worker = starter.WorkerPid(1);
        Assert.Contains($"SERVER_STARTER_PORT={SocketPath}=3;127.0.0.1:{_port}=4", File.ReadAllText($"/proc/{worker}/environ").Split('\0'));
        Assert.EndsWith($" key=127.0.0.1:{_port}", WorkerClient.Ask(_port));
    }

    /// <summary>--listen-fds: what StarterHost was passed goes on to each worker as that worker's own socket activation.</summary>
    [Fact]
    public void WithListenFdsThePassedSocketsGoOnToTheWorkerAsItsOwnActivation()
    {
        using var starter = Activate(["--listen-fds"]);
        WaitUntilListening(starter);
        Assert.StartsWith("gen=1 ", WorkerClient.Ask(SocketPath));
        int worker = starter.WorkerPid(1);
        string[] environment = File.ReadAllText($"/proc/{worker}/environ").Split('\0');
        Assert.Contains($"LISTEN_PID={worker}", environment);
        Assert.Contains("LISTEN_FDS=2", environment);
        Assert.Contains($"LISTEN_FDNAMES={SocketPath}:127.0.0.1_{_port}", environment);
        Assert.Equal(Link(starter.Pid, 3), Link(worker, 3));
        Assert.Equal(Link(starter.Pid, 4), Link(worker, 4));
    }

    [Fact]
    public void AConfiguredAddressThatWasNotPassedIsNamedAtStart()
    {
        int other = FreePort();
        using var starter = Activate([$"--port=127.0.0.1:{other}"]);
        WaitUntilListening(starter);
        using (var trigger = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            trigger.Connect(new UnixDomainSocketEndPoint(SocketPath));
            Assert.Equal(1, starter.WaitForExit());
        }
        // One line from StarterHost; the rest is the activator's own.
        string[] ours = [.. starter.Output.Split('\n').Where(line => !line.StartsWith("Listening on ", StringComparison.Ordinal) && !line.StartsWith("Communication attempt ", StringComparison.Ordinal) && !line.StartsWith("Execing ", StringComparison.Ordinal))];
        Assert.True(ours is [var line] && line == $"starterhost: 127.0.0.1:{other} is configured but the service manager did not pass a socket bound to it (passed: fd 3 (web, {SocketPath}), fd 4 (api, 127.0.0.1:{_port}))", starter.Output);
    }

    /// <summary>A passed socket that no --port or --path names is said once, and stays out of the worker.</summary>
    [Fact]
    public void APassedSocketThatNoOptionNamesIsWarnedAboutAndNotPassedOn()
    {
        using var starter = Activate([$"--path={SocketPath}"]);
        WaitUntilListening(starter);
        Assert.StartsWith("gen=1 ", WorkerClient.Ask(SocketPath));
        starter.WaitForLine($@"socket fd 4 \(api, 127\.0\.0\.1:{_port}\) passed by the service manager matches no --port or --path; not used$");
        Assert.Contains($"SERVER_STARTER_PORT={SocketPath}=3", File.ReadAllText($"/proc/{starter.WorkerPid(1)}/environ").Split('\0'));
    }

    /// <summary>The activator says so once both sockets listen (the file exists from bind(2) on, before listen(2)).</summary>
    private static void WaitUntilListening(StarterProcess activator) => activator.WaitForLine(@"^Listening on .* as 4\.$");

    private static string Link(int pid, int fd) => new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget!;

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
