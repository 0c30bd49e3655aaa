using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>READY=1 and RELOADING=1 only once the status file says what they announce; a status file that cannot be written.</summary>
public sealed class StatusTruthTests
{
    [Fact]
    public void ReadyWaitsForTheStatusFileAndComesWhenItCanBeWritten()
    {
        var d = new MachineDriver(Defaults) { StatusFails = "No space left on device" };
        d.On(new Started()).On(new WorkerSpawned(1, 100)).On(new StartupIntervalElapsed(1, 100));
        Assert.False(d.Has<ReportReady>());
        Assert.Contains(new StatusWriteFailing("No space left on device"), d.Said);
        var retry = Assert.Single(d.Timers<StatusRetryDue>());

        // Still failing at the retry: not said again, and the retries go on.
        d.On(retry);
        Assert.DoesNotContain(d.Said, n => n is StatusWriteFailing);
        Assert.Single(d.Timers<StatusRetryDue>());
        Assert.False(d.Has<ReportReady>());

        d.StatusFails = null;
        d.On(new StatusRetryDue());
        Assert.Equal("1:100\n", StatusText(d.Single<WriteStatus>()));
        Assert.Contains(new StatusWriteRecovered(), d.Said);
        Assert.Contains(new ReportReady(1), d.Last);
    }

    [Fact]
    public void AFailedWriteIsTriedAgainAtTheNextChange()
    {
        var d = Running();
        d.StatusFails = "No space left on device";
        d.On(new HangupReceived()).Serve(2, 200);
        d.StatusFails = null;
        d.On(new WorkerExited(100, ExitedZero));
        Assert.Equal("2:200\n", StatusText(d.Single<WriteStatus>()));
    }

    [Fact]
    public void ReloadingAndReadyKeepTheirOrderWhileHeld()
    {
        var d = Running();
        d.StatusFails = "EIO";
        d.On(new HangupReceived()).Serve(2, 200).On(new HangupReceived());
        Assert.False(d.Has<ReportReady>());
        d.StatusFails = null;
        d.On(new StatusRetryDue());
        var reports = d.Last.Where(c => c is ReportReady or ReportReloading).ToArray();
        Assert.Equal<StarterCommand>([new ReportReady(2), new ReportReloading()], reports);
    }

    [Fact]
    public void TheStatusProblemIsInStatus()
    {
        var d = Running();
        d.StatusFails = "No space left on device";
        d.On(new HangupReceived()).Serve(2, 200);
        Assert.Contains("status file not written: No space left on device", d.StatusLine);
    }

    [Fact]
    public void AStopComesFirstInABatch()
    {
        StarterEvent[] batch = [new WorkerExited(100, ExitedZero), new HangupReceived(), new TerminateReceived(SignalNames.Int)];
        Assert.Equal([batch[2], batch[0], batch[1]], GenerationMachine.InOrder(batch));
    }
}
