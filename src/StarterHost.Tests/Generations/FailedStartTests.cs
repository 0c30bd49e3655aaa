using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Workers;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>What follows a failed start: backoff, bounded logs, a report to the waiting client, and giving up.</summary>
public sealed class FailedStartTests
{
    private static readonly RuntimeSettings Instant = Defaults with { Interval = TimeSpan.Zero, BackoffMax = TimeSpan.FromSeconds(30) };

    /// <summary>A restart to generation 2 whose workers exit at once, <paramref name="failures"/> times.</summary>
    private static MachineDriver FailingRestart(RuntimeSettings settings, int failures)
    {
        var d = Running(settings).On(new HangupReceived());
        for (int i = 0; i < failures; i++)
            FailOnce(d);
        return d;
    }

    private static void FailOnce(MachineDriver d)
    {
        int generation = d.State.Roster.Pending!.Generation;
        d.On(new WorkerSpawned(generation, generation * 100)).On(new WorkerExited(generation * 100, ExitedThree));
        d.On(new StartupIntervalElapsed(generation, generation * 100));
        if (d.Timers<RetryDue>().SingleOrDefault() is { } retry)
            d.On(retry);
    }

    [Fact]
    public void ConsecutiveFailuresBackOffInsteadOfRespawningAtOnce()
    {
        var d = Running(Instant).On(new HangupReceived());
        var delays = new List<double>();
        for (int i = 0; i < 9; i++)
        {
            int generation = d.State.Roster.Pending!.Generation;
            d.On(new WorkerSpawned(generation, generation * 100)).On(new WorkerExited(generation * 100, ExitedThree)).On(new StartupIntervalElapsed(generation, generation * 100));
            var timer = d.Last.OfType<StartTimer>().SingleOrDefault(t => t.Event is RetryDue);
            delays.Add(timer?.Delay.TotalSeconds ?? 0);
            if (timer is not null)
                d.On(timer.Event);
        }
        // Immediate, then about 0.5, 1, 2, 4, 8, 16 s, then the 30 s cap.
        double[] nominal = [0, 0.5, 1, 2, 4, 8, 16, 30, 30];
        for (int i = 0; i < nominal.Length; i++)
            Assert.InRange(delays[i], nominal[i] * 0.8, Math.Min(nominal[i] * 1.2, 30));
    }

    [Fact]
    public void IdenticalFailuresAreLoggedInFullThreeTimesThenSummarisedAtPowersOfTwo()
    {
        var d = Running(Instant).On(new HangupReceived());
        var fullLines = new List<int>();
        var summaries = new List<int>();
        for (int i = 1; i <= 20; i++)
        {
            int generation = d.State.Roster.Pending!.Generation;
            var said = new List<Notice>();
            d.On(new WorkerSpawned(generation, generation * 100));
            said.AddRange(d.Said);
            d.On(new WorkerExited(generation * 100, ExitedThree));
            said.AddRange(d.Said);
            d.On(new StartupIntervalElapsed(generation, generation * 100));
            said.AddRange(d.Said);
            if (said.OfType<NewWorkerFailed>().Any())
                fullLines.Add(i);
            if (said.OfType<FailuresRepeated>().Any())
                summaries.Add(i);
            if (d.Timers<RetryDue>().SingleOrDefault() is { } retry)
                d.On(retry);
        }
        Assert.Equal([1, 2, 3], fullLines);
        Assert.Equal([4, 8, 16], summaries);
    }

    [Fact]
    public void AFailureOfADifferentKindIsLoggedInFullAgain()
    {
        var d = FailingRestart(Instant, 5);
        int generation = d.State.Roster.Pending!.Generation;
        d.On(new WorkerSpawned(generation, 999)).On(new WorkerExited(999, new Workers.WaitStatus(SignalNames.Kill)));
        Assert.Contains(new NewWorkerFailed(999, new Workers.WaitStatus(SignalNames.Kill)), d.Said);
    }

    [Fact]
    public void MaxStartFailuresAbandonsTheRestartAndTheOldGenerationServesOn()
    {
        var d = FailingRestart(Instant with { MaxStartFailures = 3 }, 2);
        int generation = d.State.Roster.Pending!.Generation;
        d.On(new WorkerSpawned(generation, 777)).On(new WorkerExited(777, ExitedThree));
        Assert.Contains(d.Said, n => n is RestartAbandoned { Failures: 3, ServingGeneration: 1 });
        Assert.Equal([new Worker(1, 100)], d.State.Roster.CurrentWorkers.ToArray());
        Assert.Null(d.State.Roster.Pending);
        Assert.False(d.Has<SpawnWorker>());
        Assert.StartsWith("restart abandoned after 3 failed starts, generation 1 serves on until the next HUP", d.RestartFailure);
        // Until the next HUP, which starts afresh.
        d.On(new HangupReceived());
        Assert.Equal(new SpawnWorker(generation + 1), d.Single<SpawnWorker>());
        Assert.Equal(0, d.State.Failures.Consecutive);
    }

    [Fact]
    public void WithNothingServingFailedStartsAreRetriedForEverWhateverMaxStartFailuresSays()
    {
        var settings = Instant with { MaxStartFailures = 2 };
        var d = new MachineDriver(settings).On(new Started());
        for (int i = 0; i < 6; i++)
            FailOnce(d);
        Assert.NotNull(d.State.Roster.Pending);
        Assert.DoesNotContain(d.Said, n => n is RestartAbandoned);
        Assert.Null(d.RestartFailure);
    }

    [Fact]
    public void AGenerationThatServedASecondResetsTheCount()
    {
        var d = FailingRestart(Instant, 4);
        Assert.Equal(4, d.State.Failures.Consecutive);
        int generation = d.State.Roster.Pending!.Generation;
        d.Serve(generation, 900);
        Assert.Null(d.RestartFailure);
        // With --interval=0 acceptance proves nothing yet: a second of service does.
        Assert.Equal(new StartTimer(new GenerationStable(generation), TimeSpan.FromSeconds(1)), d.Last.OfType<StartTimer>().Single(t => t.Event is GenerationStable));
        Assert.Equal(4, d.State.Failures.Consecutive);
        d.On(new GenerationStable(generation));
        Assert.Equal(0, d.State.Failures.Consecutive);
    }

    [Fact]
    public void AnIntervalOfASecondOrMoreProvesEnoughAtAcceptance()
    {
        var d = FailingRestart(Instant with { Interval = TimeSpan.FromSeconds(1) }, 2);
        d.Serve(d.State.Roster.Pending!.Generation, 900);
        Assert.Equal(0, d.State.Failures.Consecutive);
    }

    [Fact]
    public void AWorkerThatDiesRightAfterBeingAcceptedIsReplacedWithBackoffNotInATightLoop()
    {
        // --interval=0: accepted before its exit is seen, then "died unexpectedly", again and again.
        var d = new MachineDriver(Instant).On(new Started());
        var delays = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            int generation = d.State.Roster.Pending!.Generation;
            d.Serve(generation, generation * 100).On(new WorkerExited(generation * 100, ExitedThree));
            var retry = d.Last.OfType<StartTimer>().SingleOrDefault(t => t.Event is RetryDue);
            delays.Add(retry?.Delay ?? TimeSpan.Zero);
            if (retry is not null)
                d.On(retry.Event);
        }
        Assert.Equal(TimeSpan.Zero, delays[0]);
        Assert.All(delays.Skip(1), delay => Assert.True(delay >= TimeSpan.FromSeconds(0.4), $"respawned after {delay}"));
        Assert.True(delays[4] > delays[1]);
    }

    [Fact]
    public void ACrashWaitingToRespawnIsAStateOfItsOwnThatAHangupWaitsFor()
    {
        // Two deaths in a row before a second of service: the second waits out the backoff.
        var d = new MachineDriver(Instant).On(new Started()).Serve(1, 100).On(new WorkerExited(100, ExitedThree));
        d.Serve(2, 200).On(new WorkerExited(200, ExitedThree));
        var retry = Assert.Single(d.Timers<RetryDue>());
        Assert.Equal(new RetryDue(2), retry);
        Assert.Equal(new Respawn(2), d.State.Roster.Respawn);
        Assert.Null(d.State.Roster.Pending);
        Assert.Null(d.State.Roster.Current);
        Assert.Matches(@"^no generation serving; retrying with a new generation in [\d.]+ s \(2 failed starts in a row\); last failure: generation 2 worker 200 died unexpectedly", d.StatusLine);

        d.On(new HangupReceived());
        Assert.Equal([new HangupQueued(2)], d.Said);
        Assert.False(d.Has<SpawnWorker>());

        d.On(retry);
        Assert.Equal(new SpawnWorker(3), d.Single<SpawnWorker>());
        Assert.Null(d.State.Roster.Respawn);
        // The queued restart follows once generation 3 has started.
        d.Serve(3, 300);
        Assert.Equal(new SpawnWorker(4), d.Single<SpawnWorker>());
    }

    [Fact]
    public void WithAnIntervalOfZeroAnAttemptThatDiesAtOnceIsNeverSaidToServe()
    {
        var d = new MachineDriver(Instant).On(new Started()).Serve(1, 100);
        Assert.DoesNotContain(d.Said, n => n is GenerationServing);
        d.On(new WorkerExited(100, ExitedThree));
        Assert.Equal([new WorkerDiedUnexpectedly(100, ExitedThree)], d.Said.Where(n => n is not RetryScheduled));
    }

    [Fact]
    public void WithAnIntervalBelowASecondAGenerationIsSaidToServeOnceItHasLivedASecond()
    {
        var d = new MachineDriver(Instant with { Interval = TimeSpan.FromSeconds(0.3) }).On(new Started()).Serve(1, 100);
        Assert.DoesNotContain(d.Said, n => n is GenerationServing);
        var stable = Assert.Single(d.Last.OfType<StartTimer>(), t => t.Event is GenerationStable);
        Assert.Equal(TimeSpan.FromSeconds(0.7), stable.Delay);
        d.On(stable.Event);
        Assert.Equal([new GenerationServing(1, 100)], d.Said);
    }

    [Theory]
    [InlineData(1.0, false)]
    [InlineData(0.0, true)]
    public void ALivedIntervalOfASecondOrAReadyIsProofEnoughToSayServingAtOnce(double interval, bool notify)
    {
        var readiness = notify ? ReadinessMode.Notify : ReadinessMode.Interval;
        var d = new MachineDriver(Instant with { Interval = TimeSpan.FromSeconds(interval), Readiness = readiness }).On(new Started()).Serve(1, 100);
        Assert.Contains(new GenerationServing(1, 100), d.Said);
        d.On(new GenerationStable(1));
        Assert.Empty(d.Said);
    }

    private const string FormatError = "exec ./server failed: Exec format error";

    [Fact]
    public void AtFirstStartASpawnNoRetryCanFixIsSaidOnceAndStarterHostExitsOne()
    {
        var d = new MachineDriver(Instant).On(new Started()).On(new SpawnFailed(1, FormatError, Permanent: true));
        var failure = new AttemptFailed(1, new NotSpawned(FormatError));
        Assert.Equal("generation 1 could not be spawned: " + FormatError, Text(failure));
        Assert.Equal([new StartGivenUp(failure), new Exiting()], d.Said);
        Assert.Contains(new ReportStartFailure(failure, GivenUp: true), d.Last);
        Assert.Equal(new Exit(1), d.Single<Exit>());
        Assert.False(d.Has<SpawnWorker>());
        Assert.Empty(d.Timers<RetryDue>());
    }

    [Fact]
    public void AtFirstStartASpawnFailureThatMayPassIsRetried()
    {
        var d = new MachineDriver(Instant).On(new Started()).On(new SpawnFailed(1, "exec ./server failed: Resource temporarily unavailable"));
        Assert.False(d.Has<Exit>());
        Assert.Single(d.Timers<RetryDue>());
        Assert.Equal(["generation 1 could not be spawned: exec ./server failed: Resource temporarily unavailable"], d.StartFailuresReported);
    }

    [Fact]
    public void AnExecHelperThatCannotExecTheCommandGivesTheFirstStartUpOnceItHasExited()
    {
        var d = new MachineDriver(Instant).On(new Started()).On(new WorkerSpawned(1, 100, AwaitsExec: true));
        d.On(new WorkerExecuted(100, FormatError, Permanent: true));
        Assert.Empty(d.Said);
        Assert.False(d.Has<Exit>());
        d.On(new WorkerExited(100, new WaitStatus(127 << 8)));
        Assert.Equal([new StartGivenUp(new AttemptFailed(1, new NotSpawned(FormatError))), new Exiting()], d.Said);
        Assert.Equal(new Exit(1), d.Single<Exit>());
    }

    [Fact]
    public void ARestartThatCannotExecTheCommandKeepsTheOldGenerationServingAndRetries()
    {
        var d = Running(Instant).On(new HangupReceived()).On(new SpawnFailed(2, FormatError, Permanent: true));
        Assert.False(d.Has<Exit>());
        Assert.Contains(new CouldNotSpawn(2, FormatError), d.Said);
        Assert.Single(d.Timers<RetryDue>());
        Assert.Equal([100], d.State.Roster.OldStillServing.Select(o => o.Worker.Pid));
        Assert.NotNull(d.RestartFailure);
    }

    [Fact]
    public void APoolsFirstStartGivenUpStopsTheMembersSpawnedAndExitsOnceTheyAreGone()
    {
        var d = new MachineDriver(Pool with { Interval = TimeSpan.Zero }).On(new Started());
        d.On(new SpawnFailed(1, FormatError, Slot: 0, Permanent: true));
        Assert.Contains(new StartGivenUp(new AttemptFailed(1, new NotSpawned(FormatError))), d.Said);
        // The other slots' spawns have not come back yet: their workers may be alive.
        Assert.False(d.Has<Exit>());
        d.On(new WorkerSpawned(1, 200, Slot: 1));
        Assert.Equal([([200], SignalNames.Term, false)], d.Signals);
        d.On(new WorkerSpawned(1, 300, Slot: 2)).On(new WorkerExited(200, ExitedZero));
        Assert.False(d.Has<Exit>());
        d.On(new WorkerExited(300, ExitedZero));
        Assert.Equal(new Exit(1), d.Single<Exit>());
    }

    [Fact]
    public void AWorkerThatServedASecondBeforeDyingIsReplacedAtOnceAsStartServerDoes()
    {
        var d = Running(Instant);
        d.On(new GenerationStable(1)).On(new WorkerExited(100, Killed));
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
    }

    [Fact]
    public void TheWaitingClientIsToldOfTheFirstFailedStartOfItsRestart()
    {
        var d = FailingRestart(Instant, 1);
        Assert.Equal("2 generation 2 failed to start: worker 200 exited within the interval, status:768 (exit code 3); generation 1 keeps serving, and StarterHost tries again",
            d.RestartFailureLine);
        Assert.Equal(d.State.Failures.RestartFailure, d.State.Publication.WrittenStatus.Failure);
    }

    [Fact]
    public void AFailedStartIsReportedToWhoeverWaitsOnlyWhileNothingHasEverServed()
    {
        var d = new MachineDriver(Instant).On(new Started()).On(new WorkerSpawned(1, 100)).On(new WorkerExited(100, ExitedThree));
        Assert.Equal(["generation 1 failed to start: worker 100 exited within the interval, status:768 (exit code 3)"], d.StartFailuresReported);
        d.On(new StartupIntervalElapsed(1, 100));
        d.Serve(d.State.Roster.Pending!.Generation, 900).On(new HangupReceived());
        int generation = d.State.Roster.Pending!.Generation;
        d.On(new WorkerSpawned(generation, 950)).On(new WorkerExited(950, ExitedThree));
        Assert.Contains(d.Said, n => n is NewWorkerFailed);
        Assert.DoesNotContain(d.Last, c => c is ReportStartFailure);
    }

    [Fact]
    public void StatusSaysWhenTheNextAttemptComes()
    {
        var d = FailingRestart(Instant, 2);
        int generation = d.State.Roster.Pending!.Generation;
        d.On(new WorkerSpawned(generation, 400)).On(new WorkerExited(400, ExitedThree)).On(new StartupIntervalElapsed(generation, 400));
        Assert.Matches(@"^generation 1 \(pid 100\) serving; retrying with a new generation in [\d.]+ s \(3 failed starts in a row\); last failure: generation 4 failed to start", d.StatusLine);
    }
}
