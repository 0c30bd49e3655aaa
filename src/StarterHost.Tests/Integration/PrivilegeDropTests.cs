using System.Text.RegularExpressions;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// <c>--user</c> and <c>--group</c>: StarterHost stays root (it binds, it signals), each worker runs as the
/// user, with the gid and supplementary groups that <c>/proc/self/status</c> of the worker shows.
/// </summary>
public sealed class PrivilegeDropTests : IDisposable
{
    // One line of StarterHost's output: the worker's pid and what the kernel says it runs as.
    private static readonly string[] ShowingWorker =
    [
        "--", "sh", "-c",
        "echo \"worker $$ $(grep -E '^(Uid|Gid|Groups):' /proc/self/status | tr '\\t\\n' '  ')\"; exec sleep 1000",
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Match Identity(StarterProcess starter, int pid) =>
        starter.WaitForLine($@"^worker {pid} Uid: (\d+) (\d+) (\d+) (\d+) Gid: (\d+) (\d+) (\d+) (\d+) Groups: ([\d ]*)$");

    private static int[] Groups(Match m) => [.. m.Groups[9].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Order()];

    [Fact]
    public void AWorkerRunsAsTheUserWithItsGroupAndSupplementaryGroupsWhileStarterHostStaysRoot()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--user={TestUser.Name}", "--interval=0.1", .. ShowingWorker]);
        int pid = starter.WorkerPid(1);
        var m = Identity(starter, pid);

        // Real, effective, saved and filesystem ids alike: no way back to root.
        Assert.All(Enumerable.Range(1, 4), i => Assert.Equal(TestUser.Uid.ToString(), m.Groups[i].Value));
        Assert.All(Enumerable.Range(5, 4), i => Assert.Equal(TestUser.Gid.ToString(), m.Groups[i].Value));
        Assert.Equal(new[] { TestUser.Gid, TestUser.ExtraGid }.Order(), Groups(m));
        Assert.Matches(@"(?m)^Uid:\s+0\s", File.ReadAllText($"/proc/{starter.Pid}/status"));
    }

    [Fact]
    public void GroupReplacesTheUsersOwnGroupAndTheSupplementaryGroupsFollow()
    {
        const int daemon = 1;
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--user={TestUser.Name}", "--group=daemon", "--no-death-signal", "--interval=0.1", .. ShowingWorker]);
        var m = Identity(starter, starter.WorkerPid(1));

        Assert.Equal(TestUser.Uid.ToString(), m.Groups[2].Value);
        Assert.Equal(daemon.ToString(), m.Groups[6].Value);
        // initgroups(user, group): the group given and the user's memberships, not its own group.
        Assert.Equal(new[] { daemon, TestUser.ExtraGid }.Order(), Groups(m));
    }

    [Fact]
    public void AWorkerAsAnotherUserCanStillSayReadyToItsNotifySocket()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--user={TestUser.Name}", "--readiness=notify", "--start-timeout=60", "--",
            // Debian's python3 (gunicorn brings it): a PATH of root's own may lead where the user cannot go.
            "/usr/bin/python3", "-c", "import os, socket, time; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', os.environ['NOTIFY_SOCKET']); time.sleep(1000)"]);
        int pid = starter.WorkerPid(1);
        starter.WaitForLine($@"generation 1 \(pid {pid}\) is serving");
        Assert.DoesNotContain("Permission denied", starter.Output);
    }

    [Fact]
    public void TheLogCommandKeepsStarterHostsIdentity()
    {
        string uidFile = _dir.File("log-command-uid");
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", $"--user={TestUser.Name}", $"--log-file=| id -u > {uidFile}; cat > /dev/null", "--interval=0.1", .. ShowingWorker]);
        Assert.Equal("0", Eventually.Get(() => File.Exists(uidFile) && File.ReadAllText(uidFile).EndsWith('\n') ? File.ReadAllText(uidFile).Trim() : null, "the log command's uid"));
    }

    [Theory]
    [InlineData(new string[0], "777 0 0")]
    [InlineData(new[] { "--path-mode=0660", "--path-owner=sh-test-worker:daemon" }, "660 {uid} 1")]
    [InlineData(new[] { "--path-mode=600", "--path-owner=sh-test-worker:" }, "600 {uid} {gid}")]
    [InlineData(new[] { "--path-owner=:daemon" }, "777 0 1")]
    public void AUnixSocketHasItsModeAndOwnerBeforeTheFirstWorkerStarts(string[] options, string expected)
    {
        string path = _dir.File("s.sock");
        _ = TestUser.Name;
        using var starter = StarterProcess.Start([$"--path={path}", .. options, "--interval=0.1", "--", "sh", "-c", $"echo \"worker $$ $(stat -c '%a %u %g' {path})\"; exec sleep 1000"]);
        int pid = starter.WorkerPid(1);
        Assert.Equal(expected.Replace("{uid}", TestUser.Uid.ToString()).Replace("{gid}", TestUser.Gid.ToString()),
            starter.WaitForLine($@"^worker {pid} (.*)$").Groups[1].Value);
    }

    [Theory]
    // One row launched, to prove the wiring; Configuration/RefusalTests runs the table in-process.
    [InlineData("--user=no-such-user-4711", "Starter:User=no-such-user-4711 (--user): unknown user no-such-user-4711")]
    public void AnUnknownNameOrABadModeIsRefusedAtStart(string option, string expected)
    {
        var (code, text) = StarterProcess.Run(["--port=127.0.0.1:0", option, "--", "true"]);
        Assert.Equal(1, code);
        Assert.Contains(expected, text);
        Assert.DoesNotContain("starting new worker", text);
    }
}
