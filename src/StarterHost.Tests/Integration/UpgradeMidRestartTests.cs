using System.Text.Json;
using System.Text.RegularExpressions;
using StarterHost.Signals;
using StarterHost.Tests.Support;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>
/// StarterHost upgrading itself in place (SIGUSR2) while a restart is under way: a pool's rolling handover, a
/// backoff before the next attempt, a worker that has not said READY=1. The old image execs with the restart
/// half done, and the new one finishes it: no worker left behind, the answer from the new generation.
/// </summary>
public sealed class UpgradeMidRestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly UpgradableCopy _copy = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _copy.Dispose();
        _dir.Dispose();
    }

    private string PidFile => _dir.File("pid");

    private StarterProcess Start(TestWorker worker, params string[] options) => Start(worker, worker.Environment, options);

    private StarterProcess Start(TestWorker worker, IReadOnlyDictionary<string, string?> environment, params string[] options) =>
        StarterProcess.StartProgram(_copy.Executable,
            ["--port=127.0.0.1:0", $"--pid-file={PidFile}", .. options, .. worker.Command], environment);

    private void Upgrade()
    {
        var (code, said) = StarterProcess.Run(["--upgrade", $"--pid-file={PidFile}", "--timeout=25"]);
        output.WriteLine(said);
        Assert.True(code == 0, said);
    }

    private static int[] Pids(string list) => [.. Regex.Matches(list, @"\d+").Select(m => int.Parse(m.Value))];

    /// <summary>Reaped, not only dead: a zombie keeps its /proc entry.</summary>
    private static void WaitReaped(int pid) => Eventually.True(() => !Directory.Exists($"/proc/{pid}"), $"worker {pid} reaped");

    private static bool AliveNotZombie(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static int LineIndex(StarterProcess starter, string pattern)
    {
        var lines = starter.Output.Split('\n');
        return Array.FindIndex(lines, l => Regex.IsMatch(l, pattern));
    }

    /// <summary>TERM ends the new image and its workers: none left running.</summary>
    private static void StopCleanly(StarterProcess starter)
    {
        int[] workers = [.. StarterProcess.ChildrenOf(starter.Pid)];
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.All(workers, pid => Assert.False(AliveNotZombie(pid), $"worker {pid} left running"));
    }

    [Fact]
    public void AnUpgradeDuringARollingHandoverIsFinishedByTheNewImage()
    {
        var worker = new TestWorker(_dir);
        using var starter = Start(worker, "--workers=3", "--handover=rolling", "--readiness=notify", "--start-timeout=120",
            $"--status-file={_dir.File("status")}");
        int port = starter.BoundPort("127.0.0.1:0");
        int[] old = Pids(starter.WaitForLine(@"generation 1 is serving: 3 workers, pids ([\d,]+)").Groups[1].Value);

        // Generation 2's slot 0 starts, and has its old worker signalled; slots 1 and 2 hold READY=1 back. The old
        // workers drain until the test lets them go: the one signalled crosses the exec still draining.
        worker.Linger();
        worker.HoldSlot(1);
        worker.HoldSlot(2);
        starter.Signal(SignalNames.Hup);
        int firstNew = int.Parse(worker.Events.WaitFor(@"^notified-ready gen=2 pid=(\d+)").Groups[1].Value);
        int signalled = int.Parse(worker.Events.WaitFor(@"^signal TERM gen=1 pid=(\d+)").Groups[1].Value);
        Eventually.True(() => worker.Events.Lines.Count(l => l.StartsWith("ready ", StringComparison.Ordinal) && l.Contains(" gen=2 ", StringComparison.Ordinal)) == 3,
            "generation 2's three workers running");
        int[] held = [.. worker.Events.Lines.Where(l => l.StartsWith("ready ", StringComparison.Ordinal) && l.Contains(" gen=2 ", StringComparison.Ordinal))
            .Select(l => int.Parse(Regex.Match(l, @"pid=(\d+)$").Groups[1].Value)).Where(p => p != firstNew)];
        Assert.Contains(signalled, old);

        Upgrade();
        starter.WaitForLine("upgraded in place to .*upgrades so far: 1");
        // The exec came in the middle of the handover: two members not started, two old workers not signalled.
        Assert.DoesNotContain("generation 2 is serving", starter.Output);
        Assert.Single(worker.Events.Lines, l => l.StartsWith("signal TERM gen=1 ", StringComparison.Ordinal));
        Assert.True(AliveNotZombie(signalled), $"old worker {signalled}, draining, crossed the exec");
        Assert.All(held, pid => Assert.True(AliveNotZombie(pid), $"held worker {pid} crossed the exec"));

        // The new image hears their READY=1 through the notify sockets it was handed, and signals the rest.
        worker.HoldSlot(1, false);
        worker.HoldSlot(2, false);
        var serving = starter.WaitForLine(@"generation 2 is serving: 3 workers, pids ([\d,]+)");
        int[] generation2 = [.. held.Append(firstNew).Order()];
        Assert.Equal(generation2, Pids(serving.Groups[1].Value));
        Eventually.True(() => worker.Events.Lines.Count(l => l.StartsWith("signal TERM gen=1 ", StringComparison.Ordinal)) == 3, "every old worker signalled");
        worker.Linger(false);
        foreach (int pid in old)
        {
            starter.WaitForLine($"old worker {pid} died");
            WaitReaped(pid);
        }
        Assert.Equal(generation2, StarterProcess.ChildrenOf(starter.Pid).Order());
        for (int i = 0; i < 6; i++)
            Assert.StartsWith("gen=2 ", WorkerClient.Ask(port), StringComparison.Ordinal);
        Eventually.True(() => File.ReadAllText(_dir.File("status")) == string.Concat(generation2.Select(p => $"2:{p}\n")),
            "the status file naming generation 2 alone");
        StopCleanly(starter);
    }

    [Fact]
    public void ABackoffPendingCrossesTheExecAndItsRetryComesAtTheSameDeadline()
    {
        var worker = new TestWorker(_dir);
        worker.Fail();
        string statusJson = _dir.File("status.json");
        JsonElement Status() => JsonDocument.Parse(File.ReadAllText(statusJson)).RootElement;
        // The backoff after the sixth failed start in a row is 6.4 to 8 s (--backoff-max, less up to 20 % of jitter);
        // STATUS= says how long exactly, to the tenth of a second.
        using var manager = new NotifySocket(_dir.File("notify"));
        using var starter = Start(worker, new Dictionary<string, string?>(worker.Environment) { ["NOTIFY_SOCKET"] = manager.Address },
            "--readiness=notify", "--backoff-max=8", $"--status-json={statusJson}");
        int port = starter.BoundPort("127.0.0.1:0");
        worker.Events.WaitFor(@"^failing gen=6 ", TimeSpan.FromSeconds(90));
        var backoff = TimeSpan.FromSeconds(double.Parse(Eventually.Get(
            () => manager.Messages.Select(m => Regex.Match(m, @"retrying with a new generation in ([\d.]+) s \(6 failed starts in a row\)")).FirstOrDefault(m => m.Success),
            "STATUS= saying when the seventh attempt comes").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Eventually.True(() => File.Exists(statusJson) && Status().GetProperty("consecutive_failures").GetInt32() == 6, "six failures in the status JSON");
        var before = Status();
        // Fixed now: the next attempt, whichever image makes it, succeeds.
        worker.Fail(false);

        Upgrade();
        starter.WaitForLine("upgraded in place to .*upgrades so far: 1");
        Assert.DoesNotContain("gen=7", string.Join('\n', worker.Events.Lines));
        Eventually.True(() => Status().GetProperty("starterhost").GetProperty("upgrades").GetInt32() == 1, "upgrades: 1 in the status JSON");
        var after = Status();
        // The failures carried over, as they were.
        Assert.Equal(6, after.GetProperty("failures").GetInt32());
        Assert.Equal(6, after.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(before.GetProperty("failures").GetInt32(), after.GetProperty("failures").GetInt32());
        Assert.Equal(before.GetProperty("last_failure").GetRawText(), after.GetProperty("last_failure").GetRawText());
        Assert.Equal(starter.Pid, after.GetProperty("starterhost").GetProperty("pid").GetInt32());

        // The retry: generation 7 starts in the new image, at the deadline the old one set.
        starter.WaitForLine(@"generation 7 \(pid \d+\) is serving");
        int retried = int.Parse(worker.Events.WaitFor(@"^notified-ready gen=7 pid=(\d+)").Groups[1].Value);
        Assert.True(LineIndex(starter, "upgraded in place to") < LineIndex(starter, @"generation 7 \(pid \d+\) is serving"), starter.Output);
        Assert.StartsWith($"gen=7 pid={retried} ", WorkerClient.Ask(port), StringComparison.Ordinal);
        Eventually.True(() => Status().GetProperty("processes").EnumerateArray().Any(p => p.GetProperty("pid").GetInt32() == retried), "generation 7 in the status JSON");
        var done = Status();
        var failedAt = done.GetProperty("last_failure").GetProperty("at").GetDateTime();
        var imageStarted = done.GetProperty("starterhost").GetProperty("image_started_at").GetDateTime();
        var spawned = done.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == retried).GetProperty("started_at").GetDateTime();
        output.WriteLine($"sixth failure {failedAt:O}, backoff {backoff.TotalSeconds} s, new image {imageStarted:O}, retry spawned {spawned:O}");
        Assert.True(imageStarted > failedAt, "the upgrade came after the sixth failure");
        // Not early: the deadline held (STATUS= rounds it to 0.1 s). Nor a whole backoff again from the new image's start.
        var rounding = TimeSpan.FromSeconds(0.05);
        Assert.True(spawned - failedAt >= backoff - rounding, $"the retry came {(spawned - failedAt).TotalSeconds} s after the failure, before its {backoff.TotalSeconds} s backoff");
        Assert.True(spawned - imageStarted < backoff - rounding, $"the retry came {(spawned - imageStarted).TotalSeconds} s after the new image started: its {backoff.TotalSeconds} s backoff began again there");
        Assert.Equal(6, done.GetProperty("failures").GetInt32());
        StopCleanly(starter);
    }

    [Fact]
    public void AWorkerThatHasNotSaidReadyKeepsItsNotifySocketAcrossTheExecAndTheNewImageHearsIt()
    {
        var worker = new TestWorker(_dir);
        using var starter = Start(worker, "--readiness=notify", "--start-timeout=120");
        int port = starter.BoundPort("127.0.0.1:0");
        int first = int.Parse(starter.WaitForLine(@"generation 1 \(pid (\d+)\) is serving").Groups[1].Value);

        worker.Hold();
        starter.Signal(SignalNames.Hup);
        int second = int.Parse(worker.Events.WaitFor(@"^ready .* gen=2 pid=(\d+)").Groups[1].Value);
        string socket = NotifySocketOf(second);
        Assert.True(Holds(starter.Pid, socket), $"StarterHost holds {socket} before the upgrade");

        Upgrade();
        starter.WaitForLine("upgraded in place to .*upgrades so far: 1");
        Assert.True(Holds(starter.Pid, socket), $"StarterHost holds {socket} after the upgrade");
        Assert.DoesNotMatch(@"generation 2 \(pid \d+\) is serving", starter.Output);
        Assert.False(worker.Events.Has(@"^signal .* gen=1 "), "the old worker was signalled before the new one said READY=1");

        worker.Hold(false);
        worker.Events.WaitFor($"^notified-ready gen=2 pid={second}$");
        starter.WaitForLine($@"generation 2 \(pid {second}\) is serving");
        Assert.True(LineIndex(starter, "upgraded in place to") < LineIndex(starter, $@"generation 2 \(pid {second}\) is serving"), starter.Output);
        worker.Events.WaitFor($"^signal TERM gen=1 pid={first}$");
        starter.WaitForLine($"old worker {first} died");
        WaitReaped(first);
        Assert.Equal([second], StarterProcess.ChildrenOf(starter.Pid));
        Assert.StartsWith($"gen=2 pid={second} ", WorkerClient.Ask(port), StringComparison.Ordinal);
        StopCleanly(starter);
    }

    /// <summary>NOTIFY_SOCKET as the worker got it (the test worker does not rewrite its environment).</summary>
    private static string NotifySocketOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0').Single(v => v.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal))["NOTIFY_SOCKET=".Length..];

    /// <summary>Whether <paramref name="pid"/> holds the socket bound to <paramref name="path"/> (its inode in /proc/net/unix).</summary>
    private static bool Holds(int pid, string path)
    {
        string? inode = File.ReadAllLines("/proc/net/unix").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(f => f.Length >= 8 && f[7] == path)?[6];
        return inode is not null && Directory.GetFiles($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget == $"socket:[{inode}]");
    }
}
