using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>
/// Every RELOADING=1 ends in a READY=1, whether or not the reload worked (sd_notify(3)): until it does, systemd
/// keeps the unit "reloading" and <c>systemctl reload</c> waits. And STATUS= says what is the case now.
/// </summary>
public sealed class ReloadReportTests
{
    private static readonly RuntimeSettings Instant = Defaults with { Interval = TimeSpan.Zero, BackoffMax = TimeSpan.FromSeconds(30) };

    private static readonly RuntimeSettings Notify = Instant with { Readiness = ReadinessMode.Notify, StartTimeout = TimeSpan.FromSeconds(60) };

    /// <summary>How the new generation's start ends.</summary>
    public enum Outcome
    {
        ExitsBeforeItStarted,
        CannotBeSpawned,
        NoReadyWithinTheStartTimeout,
        Started,
        StopRequested,
    }

    /// <summary>The lifecycle reports of every event fed through <see cref="Feed"/>, as systemd would read them.</summary>
    private readonly List<string> _reports = [];

    private MachineDriver Feed(MachineDriver d, params StarterEvent[] events)
    {
        foreach (var evt in events)
        {
            d.On(evt);
            _reports.AddRange(d.Last.Select(Report).OfType<string>());
        }
        return d;
    }

    private static string? Report(StarterCommand command) => command switch
    {
        ReportReloading => "RELOADING=1",
        ReportReady ready => $"READY=1 (generation {ready.Generation} serves)",
        ReportReloadFailed failed => $"READY=1 (generation {failed.Generation} failed)",
        ReportStopping => "STOPPING=1",
        _ => null,
    };

    /// <summary>Generation 1 (pid 100) serves, and a HUP started generation 2, spawned as pid 200.</summary>
    private MachineDriver Reloading(RuntimeSettings settings)
    {
        var d = Running(settings);
        return Feed(d, new HangupReceived(), new WorkerSpawned(2, 200));
    }

    /// <summary>The attempt now pending fails at once (its worker exits within the interval); the next one is then pending.</summary>
    private void FailOnce(MachineDriver d)
    {
        int generation = d.State.Roster.Pending!.Generation, pid = generation * 100;
        if (d.State.Roster.PendingMember(pid) is null)
            Feed(d, new WorkerSpawned(generation, pid));
        Feed(d, new WorkerExited(pid, ExitedThree), new StartupIntervalElapsed(generation, pid));
        if (d.Timers<RetryDue>().SingleOrDefault() is { } retry)
            Feed(d, retry);
    }

    [Theory]
    [InlineData(Outcome.ExitsBeforeItStarted, 0, "READY=1 (generation 2 failed)")]
    [InlineData(Outcome.CannotBeSpawned, 0, "READY=1 (generation 2 failed)")]
    [InlineData(Outcome.NoReadyWithinTheStartTimeout, 0, "READY=1 (generation 2 failed)")]
    // --max-start-failures=1 gives up at the first failure: that ends the reload.
    [InlineData(Outcome.ExitsBeforeItStarted, 1, "READY=1 (generation 2 failed)")]
    [InlineData(Outcome.Started, 0, "READY=1 (generation 2 serves)")]
    // STOPPING=1 ends a reload too: systemd goes from "reloading" to "deactivating".
    [InlineData(Outcome.StopRequested, 0, "STOPPING=1")]
    public void EveryReloadingIsEndedOnceWhateverTheNewGenerationDoes(Outcome outcome, int maxStartFailures, string end)
    {
        var settings = (outcome == Outcome.NoReadyWithinTheStartTimeout ? Notify : Instant) with { MaxStartFailures = maxStartFailures };
        var d = Running(settings);
        Feed(d, new HangupReceived());
        StarterEvent[] events = outcome switch
        {
            Outcome.ExitsBeforeItStarted => [new WorkerSpawned(2, 200), new WorkerExited(200, ExitedThree)],
            Outcome.CannotBeSpawned => [new SpawnFailed(2, "No such file or directory")],
            Outcome.NoReadyWithinTheStartTimeout => [new WorkerSpawned(2, 200), new StartTimeoutElapsed(2, 200)],
            Outcome.Started => [new WorkerSpawned(2, 200), new StartupIntervalElapsed(2, 200)],
            _ => [new WorkerSpawned(2, 200), new TerminateReceived(SignalNames.Term)],
        };
        Feed(d, events);
        Assert.Equal(["RELOADING=1", end], _reports);
        Assert.False(d.State.Publication.ReloadAnnounced);
    }

    [Fact]
    public void TheFailedReloadsReadyComesWithTheFailureFileAfterStatusSaysWhy()
    {
        var d = Reloading(Instant);
        d.StatusFails = "No space left on device";
        Feed(d, new WorkerExited(200, ExitedThree));
        // Held: the failure file does not say it yet, so neither a waiting --reload nor systemd is told.
        Assert.DoesNotContain(d.Last, c => c is ReportReloadFailed);
        d.StatusFails = null;
        Feed(d, new StatusRetryDue());
        var order = d.Last.Where(c => c is WriteStatus or ReportStatus or ReportReloadFailed).ToList();
        var write = Assert.IsType<WriteStatus>(order[0]);
        Assert.Equal(2, write.Document.Failure!.Generation);
        Assert.IsType<ReportReloadFailed>(order[^1]);
        // What STATUS= said last, before READY=1, names the failure and who serves.
        Assert.Contains("last failure: generation 2 failed to start", d.StatusLine);
        Assert.StartsWith("generation 1 (pid 100) serving", d.StatusLine);
    }

    [Fact]
    public void RetriesAfterAFailedReloadBeginNoSecondReloadingAndTheirSuccessIsReadyAgain()
    {
        var d = Reloading(Instant);
        FailOnce(d);
        FailOnce(d);
        FailOnce(d);
        Assert.Equal(["RELOADING=1", "READY=1 (generation 2 failed)"], _reports);
        Assert.Equal(5, d.State.Roster.Pending!.Generation);
        Feed(d, new WorkerSpawned(5, 500), new StartupIntervalElapsed(5, 500));
        Assert.Equal(["RELOADING=1", "READY=1 (generation 2 failed)", "READY=1 (generation 5 serves)"], _reports);
    }

    [Fact]
    public void GivingUpAfterTheReloadHasEndedSaysNoMore()
    {
        var d = Reloading(Instant with { MaxStartFailures = 2 });
        FailOnce(d);
        FailOnce(d);
        Assert.StartsWith("restart abandoned after 2 failed starts", d.RestartFailure);
        Assert.Equal(["RELOADING=1", "READY=1 (generation 2 failed)"], _reports);
    }

    [Fact]
    public void AReloadWhoseOldGenerationDiedToo_IsEndedAtItsFailure()
    {
        // Nothing serves, so there is no failure file (StarterHost keeps trying, as after any crash); the
        // reload is over all the same, and STATUS= says nothing serves.
        var d = Reloading(Instant);
        Feed(d, new WorkerExited(100, Killed), new WorkerExited(200, ExitedThree));
        Assert.Null(d.RestartFailure);
        Assert.Equal(["RELOADING=1", "READY=1 (generation 2 failed)"], _reports);
        Assert.StartsWith("no generation serving", d.StatusLine);
    }

    [Fact]
    public void AHangupQueuedDuringAReloadThatFailsBeginsItsOwnReloadOnceARetryServes()
    {
        var d = Reloading(Instant);
        Feed(d, new HangupReceived());
        FailOnce(d);
        Feed(d, new WorkerSpawned(3, 300), new StartupIntervalElapsed(3, 300));
        Assert.Equal(["RELOADING=1", "READY=1 (generation 2 failed)", "READY=1 (generation 3 serves)", "RELOADING=1"], _reports);
        Assert.True(d.State.Publication.ReloadAnnounced);
    }

    [Fact]
    public void ARefusedCheckNeverBeganAReloadSoEndsNone()
    {
        var settings = Instant with { CheckBeforeRestart = true, CheckTimeout = TimeSpan.FromSeconds(10) };
        var d = Running(settings);
        Feed(d, new HangupReceived(), new CheckStarted(1, 50), new CheckFinished(50, ExitedThree, "syntax error"));
        Assert.Empty(_reports);
        Assert.NotNull(d.RestartFailure);
    }

    [Fact]
    public void TheLastFailureLeavesStatusOnceALaterGenerationHasServedASecond()
    {
        var d = Reloading(Instant);
        FailOnce(d);
        Feed(d, new WorkerSpawned(3, 300), new StartupIntervalElapsed(3, 300), new WorkerExited(100, ExitedZero));
        // Accepted, but not yet proven: a worker that dies within its first second is one more failure in a row.
        Assert.Equal("generation 3 (pid 300) serving; last failure: generation 2 failed to start: worker 200 exited within the interval, status:768 (exit code 3)", d.StatusLine);
        Feed(d, new GenerationStable(3));
        Assert.Equal("generation 3 (pid 300) serving", d.StatusLine);
        // --status-json keeps it, with the time the supervisor stamps.
        Assert.StartsWith("generation 2 failed to start", d.LastFailure);
    }

    [Fact]
    public void AnAbandonedRestartStaysInStatusUntilTheNextGenerationIsAccepted()
    {
        var d = Reloading(Instant with { MaxStartFailures = 1 });
        FailOnce(d);
        Feed(d, new GenerationStable(1));
        Assert.Contains("last failure: restart abandoned after 1 failed starts", d.StatusLine);
        Feed(d, new HangupReceived(), new WorkerSpawned(3, 300));
        // A new restart is under way, but what it may bring is not known yet: the last one's end stays.
        Assert.Contains("last failure: restart abandoned", d.StatusLine);
        Feed(d, new StartupIntervalElapsed(3, 300));
        Assert.Equal("generation 3 (pid 300) serving; 1 old worker draining (pids 100)", d.StatusLine);
    }
}
