using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using StarterHost.Generations;
using StarterHost.Status;
using StarterHost.Supervision;
using StarterHost.Upgrade;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// The times --status-json gives cross an upgrade in place as they were: the new image has its own clock and
/// would otherwise stamp every worker, the slots' last exits and the last failure anew.
/// </summary>
public sealed class WorkerTimelineHandoffTests
{
    private static readonly HostReport Host = new(1, "0.1.0-test", DateTime.UnixEpoch);

    [Fact]
    public void TheNewImageReportsTheOldImagesTimes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var old = new WorkerTimeline(clock);
        // Generation 1 (pid 100) spawned at 0 s, shown serving at 1 s; generation 2 (pid 200) spawned at 2 s, dead at 3 s.
        var d = Running(Defaults with { DetailedStatus = true });
        old.Spawned(100, 1, 0);
        clock.Advance(TimeSpan.FromSeconds(1));
        old.Report(d.State.StatusDocument, Host);
        clock.Advance(TimeSpan.FromSeconds(1));
        d.On(new HangupReceived()).On(new WorkerSpawned(2, 200));
        old.Spawned(200, 2, 0);
        clock.Advance(TimeSpan.FromSeconds(1));
        d.On(new WorkerExited(200, ExitedThree));
        old.Exited(200, ExitedThree);
        var before = old.Report(d.State.StatusDocument, Host);
        Assert.NotNull(before.LastFailure);

        var json = JsonSerializer.SerializeToUtf8Bytes(old.Carried(), HandoffJsonContext.Default.CarriedTimeline);
        clock.Advance(TimeSpan.FromSeconds(10));
        var next = new WorkerTimeline(clock);
        next.Adopt(JsonSerializer.Deserialize(json, HandoffJsonContext.Default.CarriedTimeline)!, d.State.Counters.Failures, d.State.Failures.Last);
        var after = next.Report(d.State.StatusDocument, Host);

        Assert.Equal(before.LastFailure, after.LastFailure);
        Assert.Equal(clock.Start.UtcDateTime.AddSeconds(3), after.LastFailure!.At);
        var process = Assert.Single(after.Processes);
        Assert.Equal(Assert.Single(before.Processes), process);
        Assert.Equal(clock.Start.UtcDateTime, process.StartedAt);
        Assert.Equal(clock.Start.UtcDateTime.AddSeconds(1), process.ReadyAt);
        Assert.Equal(new ExitReport(200, 2, 3 << 8, 3, null, clock.Start.UtcDateTime.AddSeconds(3)), process.LastExit);
    }

    [Fact]
    public void AFailureTheOldImageHadNotShownIsStampedWhenTheNewOneShowsIt()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var d = Running(Defaults with { DetailedStatus = true });
        var carried = new WorkerTimeline(clock).Carried();
        d.On(new HangupReceived()).On(new WorkerSpawned(2, 200)).On(new WorkerExited(200, ExitedThree));
        clock.Advance(TimeSpan.FromSeconds(5));
        var next = new WorkerTimeline(clock);
        next.Adopt(carried, d.State.Counters.Failures, d.State.Failures.Last);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, next.Report(d.State.StatusDocument, Host).LastFailure?.At);
    }
}
