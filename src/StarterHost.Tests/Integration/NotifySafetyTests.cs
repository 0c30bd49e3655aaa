using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// The workers' notify sockets against a local attacker and a worker gone wrong: only the worker's own process
/// group is believed, nobody can block their directory, and a flood of STATUS= costs a few lines a second.
/// </summary>
public sealed class NotifySafetyTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public NotifySafetyTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    private string StatusFile => _dir.File("status");

    /// <summary>NOTIFY_SOCKET as the worker got it (the test worker does not rewrite its environment).</summary>
    private static string NotifySocketOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0').Single(v => v.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal))["NOTIFY_SOCKET=".Length..];

    private static void SendFromHere(string socket, string text)
    {
        using var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        sender.SendTo(Encoding.UTF8.GetBytes(text), new UnixDomainSocketEndPoint(socket));
    }

    [Fact]
    public void AReadyFromOutsideTheWorkersProcessGroupChangesNothing()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--readiness=notify", $"--status-file={StatusFile}", .. _worker.Command], _worker.Environment);
        int first = starter.WorkerPid(1);
        starter.WaitForLine($@"generation 1 \(pid {first}\) is serving");
        _worker.Hold();
        starter.Signal(SignalNames.Hup);
        int second = starter.WorkerPid(2);
        _worker.Events.WaitFor($"ready .*gen=2 pid={second}");

        // This test's own process: the same user as the worker (root), and in no group of StarterHost's.
        SendFromHere(NotifySocketOf(second), "READY=1");

        starter.WaitForLine($"ignored a notification to worker {second} from pid {System.Environment.ProcessId}, which is not in the worker's process group");
        Assert.Equal($"1:{first}\n", File.ReadAllText(StatusFile));
        Assert.DoesNotContain($"generation 2 (pid {second}) is serving", starter.Output);
        Assert.False(_worker.Events.Has("signal .*gen=1"), "the serving generation was retired");

        // The worker's own READY=1 still counts.
        _worker.Hold(false);
        starter.WaitForLine($@"generation 2 \(pid {second}\) is serving");
        _worker.Events.WaitFor($"signal TERM gen=1 pid={first}");
    }

    /// <summary>A shell worker whose child says READY=1, as `sh -c 'notify & exec server'` would: the child is in the worker's group.</summary>
    [Fact]
    public void AReadyFromAChildInTheWorkersProcessGroupIsBelieved()
    {
        const string child = "import os, socket, time; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', os.environ['NOTIFY_SOCKET']); time.sleep(1000)";
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--readiness=notify", "--start-timeout=60", "--",
            "sh", "-c", $"/usr/bin/python3 -c \"{child}\" & exec sleep 1000"]);
        int worker = starter.WorkerPid(1);
        starter.WaitForLine($@"generation 1 \(pid {worker}\) is serving");
        Assert.DoesNotContain("ignored a notification", starter.Output);
    }

    /// <summary>
    /// start_server-era StarterHost made /tmp/starterhost.PID, deleting whatever directory was there and failing
    /// every spawn on a file. Here /run is made read-only (in a mount namespace of StarterHost's own) so that
    /// root falls back to /tmp, where a file at that name has been planted.
    /// </summary>
    [Fact]
    public void AFileAtThePredictableNotifyDirectoryInTmpDoesNotBlockSpawns()
    {
        const string plant = "mount -t tmpfs -o ro tmpfs /run || exit 99; echo planted > /tmp/starterhost.$$; exec \"$0\" \"$@\"";
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--readiness=notify", "--start-timeout=60", "--",
            "/usr/bin/python3", "-c", "import os, socket, time; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', os.environ['NOTIFY_SOCKET']); time.sleep(1000)"],
            new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = "" },
            launcher: ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", plant]);
        string planted = $"/tmp/starterhost.{starter.Pid}";
        try
        {
            int worker = starter.WorkerPid(1);
            starter.WaitForLine($@"generation 1 \(pid {worker}\) is serving");
            Assert.Matches($@"^/tmp/starterhost\.{starter.Pid}\.[A-Za-z0-9]{{6}}/notify\.1\.0\.sock$", NotifySocketOf(worker));
            Assert.Equal("planted\n", File.ReadAllText(planted));
            starter.Signal(SignalNames.Term);
            Assert.Equal(0, starter.WaitForExit());
            Assert.Equal("planted\n", File.ReadAllText(planted));
        }
        finally
        {
            File.Delete(planted);
        }
    }

    /// <summary>
    /// 10,000 different STATUS= texts with a colour escape and a carriage return, then a last word: a few lines a
    /// second and a count of what was not shown, nothing raw reaches the log, and the last word arrives.
    /// </summary>
    [Fact]
    public void AFloodOfStatusGivesBoundedPrintableLogLinesAndTheLastWordStillArrives()
    {
        const string flood = """
            use Socket;
            $| = 1;
            (my $path = $ENV{NOTIFY_SOCKET});
            socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die;
            my $to = pack_sockaddr_un($path);
            send($s, "READY=1", 0, $to) or die;
            send($s, "STATUS=flood $_ \e[31mred\r", 0, $to) or die for 1 .. 10000;
            send($s, "STATUS=done", 0, $to) or die;
            print "flood sent\n";
            sleep 1000;
            """;
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--readiness=notify", "--", "perl", "-e", flood]);
        int worker = starter.WorkerPid(1);
        starter.WaitForLine("^flood sent$");
        starter.WaitForLine($@"worker {worker} \(generation 1\) status: done$");

        string[] lines = starter.Output.Split('\n');
        var shown = lines.Where(l => l.Contains($"worker {worker} (generation 1) status: flood", StringComparison.Ordinal)).ToArray();
        Assert.InRange(shown.Length, 1, 500);
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"worker {worker} \(generation 1\) status: \d+ more within a second, not shown; the latest follows"));
        Assert.All(shown, l => Assert.EndsWith(@" \x1b[31mred\r", l));
        Assert.DoesNotContain(lines, l => l.Contains('\u001b'));
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
    }
}
