using StarterHost.Generations;
using StarterHost.Systemd;
using StarterHost.Workers;

namespace StarterHost.Tests.Systemd;

/// <summary>The words of each part of STATUS=, which an operator reads in <c>systemctl status</c>.</summary>
public sealed class ServiceStatusTextTests
{
    public static TheoryData<string, string> Parts => new()
    {
        { Say(new ServiceStatus.Stopping(false, [])), "stopping" },
        { Say(new ServiceStatus.Stopping(true, [100])), "stopping: waiting for 1 worker to exit (pids 100)" },
        { Say(new ServiceStatus.Stopping(true, [100, 200])), "stopping: waiting for 2 workers to exit (pids 100,200)" },
        { Say(new ServiceStatus.Serving(1, 100, null)), "generation 1 (pid 100) serving" },
        { Say(new ServiceStatus.Serving(1, 100, "accepting")), "generation 1 (pid 100) serving: accepting" },
        { Say(new ServiceStatus.NoneServing()), "no generation serving" },
        { Say(new ServiceStatus.ReplacementStarting(200)), "its replacement (pid 200) starting" },
        { Say(new ServiceStatus.Starting(2, null)), "generation 2 starting" },
        { Say(new ServiceStatus.Retrying(0, null)), "retrying with a new generation" },
        { Say(new ServiceStatus.Retrying(3, TimeSpan.FromSeconds(1.26))), "retrying with a new generation in 1.3 s (3 failed starts in a row)" },
        { Say(new ServiceStatus.Draining([300, 100])), "2 old workers draining (pids 100,300)" },
        { Say(new ServiceStatus.PoolReady(4, 7, 8)), "generation 4: 7/8 ready" },
        { Say(new ServiceStatus.PoolStarting(5, 2, 8)), "generation 5 starting: 2/8 ready" },
        { Say(new ServiceStatus.OldGeneration(3, 2, 0)), "generation 3: 2 serving" },
        { Say(new ServiceStatus.OldGeneration(3, 1, 2)), "generation 3: 1 serving, 2 draining" },
        { Say(new ServiceStatus.Leftovers([100])), "1 leftover process group of exited workers (pgids 100)" },
        { Say(new ServiceStatus.StatusFileNotWritten("No space left on device")), "status file not written: No space left on device" },
        {
            Say(new ServiceStatus.LastFailure(new WorkerFailed(1, new DiedUnexpectedly(new WaitStatus(9)), 100))),
            "last failure: generation 1 worker 100 died unexpectedly, status:9 (killed by SIGKILL)"
        },
    };

    private static string Say(ServiceStatus.Part part) => ServiceStatusText.Describe(new ServiceStatus([part]));

    [Theory]
    [MemberData(nameof(Parts))]
    public void EachPartReadsAsOperatorsKnowIt(string said, string expected) => Assert.Equal(expected, said);

    [Fact]
    public void PartsAreJoinedInTheirOrder() =>
        Assert.Equal("generation 1 (pid 100) serving; generation 2 starting",
            ServiceStatusText.Describe(new ServiceStatus([new ServiceStatus.Serving(1, 100, null), new ServiceStatus.Starting(2, null)])));
}
