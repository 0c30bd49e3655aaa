using System.Globalization;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// A worker that exits at once: start_server respawns it after every --interval (121 times a second with
/// --interval=0). Here with notify readiness, so that every attempt fails the same way however loaded the
/// machine (it exits before READY=1, which it never sends); the crash path of --interval=0 is the machine tests'.
/// </summary>
public sealed class SpawnBackoffTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;

    public SpawnBackoffTests() => _worker = new TestWorker(_dir);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FailedStartsBackOffAndTheirLogStaysShort()
    {
        _worker.Fail();
        using var starter = StarterProcess.Start(["--port=127.0.0.1:0", "--readiness=notify", .. _worker.Command], _worker.Environment);
        // The first retry comes at once; then after 0.5 s, doubling, each ±20 %.
        Assert.InRange(Delay(starter.WaitForLine(@"next attempt in ([\d.]+) s \(2 failed starts in a row\)")), 0.4, 0.6);
        Assert.InRange(Delay(starter.WaitForLine(@"next attempt in ([\d.]+) s \(3 failed starts in a row\)")), 0.8, 1.2);
        var summary = starter.WaitForLine(@"4 failed starts in a row, the last: generation 4 failed to start: worker \d+ exited before sending READY=1, status:768 \(exit code 3\); next attempt in ([\d.]+) s");
        Assert.InRange(Delay(summary), 1.6, 2.4);
        // Counted as the fifth attempt is still 1.6 s away: four spawns, not hundreds.
        Assert.InRange(_worker.Events.Lines.Count(l => l.StartsWith("failing ", StringComparison.Ordinal)), 4, 5);

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        // start_server's own line comes in full for the first three identical failures only.
        Assert.Equal(3, starter.Output.Split('\n').Count(l => l.Contains("seems to have failed to start", StringComparison.Ordinal)));
    }

    private static double Delay(System.Text.RegularExpressions.Match line) =>
        double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
}
