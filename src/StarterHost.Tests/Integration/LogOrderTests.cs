using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// StarterHost's lines and its workers' share one output (here the --log-file) and must read in the
/// order things happened: the line announcing a signal before the worker's answer to it.
/// </summary>
public sealed class LogOrderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Answers TERM on stderr at once, as a worker saying "done" would.
    private static readonly string[] Worker = ["--", "perl", "-e", "$SIG{TERM} = sub { print STDERR qq(worker $$ got TERM\\n); exit 0 }; sleep 1 while 1"];

    [Fact]
    public void EachSignalIsAnnouncedBeforeTheWorkerAnswersIt()
    {
        string log = _dir.File("log");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--interval=0.1", $"--log-file={log}", .. Worker]);
        // Many handovers: with the console logger's queue, about two runs in three misordered one of 20.
        var pids = new List<int>();
        for (int generation = 1; generation <= 20; generation++)
        {
            pids.Add(WorkerPid(log, generation));
            if (generation > 1)
                Eventually.True(() => File.ReadAllText(log).Contains($"old worker {pids[^2]} died"), $"worker {pids[^2]}'s exit");
            if (generation < 20)
                starter.Signal(SignalNames.Hup);
        }
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());

        var lines = File.ReadAllLines(log).ToList();
        string all = string.Join('\n', lines);
        // Ends with: a pid list ends its line, and "old workers:12" must not find "old workers:123".
        int Index(string end) => lines.FindIndex(l => l.EndsWith(end, StringComparison.Ordinal)) is var i and >= 0 ? i : throw new Xunit.Sdk.XunitException($"no line ending \"{end}\" in:\n{all}");
        for (int i = 0; i < 19; i++)
        {
            Assert.True(Index($"sending TERM to old workers:{pids[i]}") < Index($"worker {pids[i]} got TERM"), all);
            Assert.True(Index($"worker {pids[i]} got TERM") < Index($" old worker {pids[i]} died, status:0 (exit code 0)"), all);
        }
        Assert.True(Index($"sending TERM to all workers:{pids[19]}") < Index($"worker {pids[19]} got TERM"), all);
        Assert.True(Index($"worker {pids[19]} got TERM") < Index($" worker {pids[19]} died, status:0 (exit code 0)"), all);
    }

    [Fact]
    public void StartUpIsLoggedBeforeTheFirstWorkerSaysAWord()
    {
        string log = _dir.File("log");
        // One output for both, as under systemd: no --log-file, whose redirect comes after start-up.
        using var starter = StarterProcess.StartProgram("/bin/sh",
            ["-c", $"exec \"$0\" \"$@\" > '{log}' 2>&1", StarterProcess.ExecutablePath,
             "--port=127.0.0.1:0", "--", "/bin/sh", "-c", "echo worker $$ says hello; exec sleep 60"]);
        string[] lines = Eventually.Get(() => File.Exists(log) && File.ReadAllLines(log) is var l && l.Any(x => x.Contains("says hello", StringComparison.Ordinal)) ? l : null, "the worker's line");
        string all = string.Join('\n', lines);
        Assert.True(lines.Length >= 4, all);
        Assert.Contains("configuration files read: ", lines[0]);
        Assert.Contains("starting now...", lines[1]);
        Assert.Contains("listening on 127.0.0.1:", lines[2]);
        Assert.True(Array.FindIndex(lines, l => l.Contains("says hello", StringComparison.Ordinal)) > 2, all);
    }

    private static int WorkerPid(string log, int generation)
    {
        string line = Eventually.Get(() => File.Exists(log) ? File.ReadAllLines(log).FirstOrDefault(l => l.EndsWith($"(generation {generation})", StringComparison.Ordinal)) : null, $"generation {generation}");
        return int.Parse(line.Split("starting new worker ")[1].Split(' ')[0]);
    }
}
