using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>The workers' notify sockets against a local attacker: nobody can block their directory.</summary>
public sealed class NotifySafetyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>NOTIFY_SOCKET as the worker got it (the test worker does not rewrite its environment).</summary>
    private static string NotifySocketOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0').Single(v => v.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal))["NOTIFY_SOCKET=".Length..];

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
}
