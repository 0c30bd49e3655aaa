using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>Under systemd the log is the journal's: syslog priority prefixes, no timestamps; elsewhere the console format.</summary>
public sealed class JournalLoggingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public JournalLoggingTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("INVOCATION_ID", "0123456789abcdef0123456789abcdef")]
    [InlineData("JOURNAL_STREAM", "8:12345")]
    public void UnderSystemdEachLineCarriesItsSyslogPriority(string variable, string value)
    {
        var environment = new Dictionary<string, string?>(_worker.Environment) { [variable] = value };
        _worker.Fail();
        // Wide enough for the failing worker to exit within it, even on a loaded machine.
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--interval=2", .. _worker.Command], environment);
        starter.WaitForLine($@"^<6>starterhost \(pid:{starter.Pid}\) starting now\.\.\.$");
        int first = starter.WorkerPid(1);
        starter.WaitForLine($@"^<6>starting new worker {first} \(generation 1\)$");
        starter.WaitForLine($@"^<3>new worker {first} seems to have failed to start, exit status:768 \(exit code 3\)$");
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.DoesNotContain(starter.Output.Split('\n'), line => line.StartsWith("20", StringComparison.Ordinal));
    }

    [Fact]
    public void UnderSystemdAFatalErrorIsAnErrorInTheJournal()
    {
        var (code, output) = StarterProcess.Run(["--interval=soon", "--", "true"], new Dictionary<string, string?> { ["INVOCATION_ID"] = "x" });
        Assert.Equal(1, code);
        Assert.Equal("<3>starterhost: Value \"soon\" invalid for option interval (number expected)", output);
    }

    [Fact]
    public void OtherwiseLinesAreTimestamped()
    {
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", .. _worker.Command], _worker.Environment);
        starter.WaitForLine($@"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d starterhost \(pid:{starter.Pid}\) starting now\.\.\.$");
    }
}
