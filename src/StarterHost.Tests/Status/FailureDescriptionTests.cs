using StarterHost.Generations;
using StarterHost.Status;
using StarterHost.Workers;

namespace StarterHost.Tests.Status;

/// <summary>
/// The words for each failure the machine records, as the log, the .failure file, --status-json and STATUS= give
/// them: scripts grep for these, and a restart client prints them.
/// </summary>
public sealed class FailureDescriptionTests
{
    private static readonly WaitStatus ExitedThree = new(3 << 8);
    private static readonly WaitStatus Killed = new(9);

    public static TheoryData<string, string> Failures => new()
    {
        { Describe(new AttemptFailed(2, new NotSpawned("fork: Resource temporarily unavailable"))), "generation 2 could not be spawned: fork: Resource temporarily unavailable" },
        { Describe(new AttemptFailed(2, new ExitedEarly(ExitedThree, ReadinessMode.Interval), 200)), "generation 2 failed to start: worker 200 exited within the interval, status:768 (exit code 3)" },
        { Describe(new AttemptFailed(2, new ExitedEarly(ExitedThree, ReadinessMode.Notify), 200, Slot: 1)), "generation 2 failed to start: worker 200 (slot 1) exited before sending READY=1, status:768 (exit code 3)" },
        { Describe(new AttemptFailed(2, new NotReady(TimeSpan.FromSeconds(1.5)))), "generation 2 was not ready within 1.5 s (no READY=1)" },
        { Describe(new WorkerFailed(1, new DiedUnexpectedly(Killed), 100)), "generation 1 worker 100 died unexpectedly, status:9 (killed by SIGKILL)" },
        { Describe(new WorkerFailed(1, new DiedUnexpectedly(Killed), 200, Slot: 1)), "generation 1 worker 200 (slot 1) died unexpectedly, status:9 (killed by SIGKILL)" },
        { Describe(new WorkerFailed(1, new ExitedEarly(ExitedThree, ReadinessMode.Interval), 400, Slot: 1)), "generation 1 worker 400 (slot 1) failed to start: it exited within the interval, status:768 (exit code 3)" },
        { Describe(new WorkerFailed(1, new NotReady(TimeSpan.FromSeconds(60)), 400, Slot: 2)), "generation 1 worker 400 (slot 2) was not ready within 60 s (no READY=1)" },
        { Describe(new WorkerFailed(1, new NotSpawned("no"), Slot: 2)), "generation 1 (slot 2) could not be spawned: no" },
        { Describe(new RestartRetrying(new AttemptFailed(2, new NotReady(TimeSpan.FromSeconds(60))), 1)), "generation 2 was not ready within 60 s (no READY=1); generation 1 keeps serving, and StarterHost tries again" },
        {
            Describe(new RestartAbandonedAfter(3, 1, new AttemptFailed(4, new ExitedEarly(ExitedThree, ReadinessMode.Interval), 400))),
            "restart abandoned after 3 failed starts, generation 1 serves on until the next HUP; last: generation 4 failed to start: worker 400 exited within the interval, status:768 (exit code 3)"
        },
        { Describe(new RestartRefused(new CheckExited(ExitedThree, "syntax error"), 1)), "restart refused: the check command failed with status:768 (exit code 3): syntax error; generation 1 keeps serving" },
        { Describe(new RestartRefused(new CheckTooSlow(TimeSpan.FromSeconds(10), ""), null)), "restart refused: the check command did not finish within 10 s; no generation is serving" },
        { Describe(new RestartRefused(new CheckNotRun("exec /bin/sh failed: No such file or directory"), 3)), "restart refused: the check command could not be run: exec /bin/sh failed: No such file or directory; generation 3 keeps serving" },
        { FailureDescription.Of(new RestartFailure(5, new RestartRefused(new CheckExited(ExitedThree, ""), 4))), "5 restart refused: the check command failed with status:768 (exit code 3); generation 4 keeps serving" },
    };

    private static string Describe(Failure failure) => FailureDescription.Of(failure);

    [Theory]
    [MemberData(nameof(Failures))]
    public void EachFailureReadsAsOperatorsKnowIt(string described, string expected) => Assert.Equal(expected, described);

    [Fact]
    public void FailuresThatWentWrongTheSameWayAreEqualWhateverTheWorker()
    {
        Assert.Equal<FailureKind>(new ExitedEarly(ExitedThree, ReadinessMode.Interval), new ExitedEarly(new WaitStatus(768), ReadinessMode.Interval));
        Assert.NotEqual<FailureKind>(new ExitedEarly(ExitedThree, ReadinessMode.Interval), new ExitedEarly(Killed, ReadinessMode.Interval));
        Assert.NotEqual<FailureKind>(new NotSpawned("a"), new NotSpawned("b"));
    }
}
