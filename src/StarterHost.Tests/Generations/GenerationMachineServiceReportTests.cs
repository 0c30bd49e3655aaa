using System.Collections.Immutable;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Workers;

namespace StarterHost.Tests.Generations;

/// <summary>What the machine asks to tell the service manager, event by event, without a process in sight.</summary>
public sealed class GenerationMachineServiceReportTests
{
    private static readonly RuntimeSettings Settings = new(
        TimeSpan.FromSeconds(1), SignalNames.Term, SignalNames.Term, TimeSpan.Zero, false, TimeSpan.FromSeconds(360), TimeSpan.FromSeconds(12));

    /// <summary>Applies the events as the supervisor would (status writes succeed); the commands of the last one.</summary>
    private static (GenerationState State, ImmutableArray<StarterCommand> Commands) Run(GenerationState state, params StarterEvent[] events)
    {
        var driver = new MachineDriver(Settings, state);
        foreach (var evt in events)
            driver.On(evt);
        return (driver.State, driver.Last);
    }

    /// <summary>Generation 1 (pid 100) accepted and serving.</summary>
    private static GenerationState Serving() =>
        Run(GenerationState.Initial(Settings), new Started(), new WorkerSpawned(1, 100), new StartupIntervalElapsed(1, 100)).State;

    [Fact]
    public void StartedAndSpawned_BeforeTheIntervalElapsed_IsNotReady()
    {
        var driver = new MachineDriver(Settings);
        foreach (var evt in new StarterEvent[] { new Started(), new WorkerSpawned(1, 100) })
            Assert.DoesNotContain(driver.On(evt).Last, c => c is ReportReady);
    }

    [Fact]
    public void IntervalElapsed_WhenGenerationOneRuns_WritesTheStatusFileThenReportsReady()
    {
        var (_, commands) = Run(GenerationState.Initial(Settings), new Started(), new WorkerSpawned(1, 100), new StartupIntervalElapsed(1, 100));
        var order = commands.Where(c => c is ReportReady or ReportStatus or WriteStatus).Select(c => c.GetType().Name).ToArray();
        Assert.Equal([nameof(WriteStatus), nameof(ReportStatus), nameof(ReportReady)], order);
        Assert.Contains(new ReportReady(1), commands);
        Assert.Equal("generation 1 (pid 100) serving", MachineDriver.Text(Assert.Single(commands.OfType<ReportStatus>())));
    }

    [Fact]
    public void Hangup_WhenServing_ReportsReloadingOnceStatusNamesTheStartingGeneration()
    {
        var (_, commands) = Run(Serving(), new HangupReceived());
        var reports = commands.Where(c => c is ReportStatus or ReportReloading).ToArray();
        Assert.Equal([nameof(ReportStatus), nameof(ReportReloading)], reports.Select(r => r.GetType().Name));
        Assert.Equal("generation 1 (pid 100) serving; generation 2 starting", MachineDriver.Text((ReportStatus)reports[0]));
        Assert.Contains(new SpawnWorker(2), commands);
    }

    [Fact]
    public void Hangup_WhileGenerationOneStarts_IsQueuedWithoutReloading()
    {
        var (_, commands) = Run(GenerationState.Initial(Settings), new Started(), new WorkerSpawned(1, 100), new HangupReceived());
        Assert.DoesNotContain(new ReportReloading(), commands);
    }

    [Fact]
    public void NewWorkerExit_DuringReload_ReportsTheFailureAndWhoStillServes()
    {
        var state = Run(Serving(), new HangupReceived(), new WorkerSpawned(2, 200)).State;
        var (_, commands) = Run(state, new WorkerExited(200, new WaitStatus(3 << 8)));
        Assert.DoesNotContain(commands, c => c is ReportReady);
        var status = Assert.Single(commands.OfType<ReportStatus>());
        Assert.Equal("generation 1 (pid 100) serving; retrying with a new generation; last failure: generation 2 failed to start: worker 200 exited within the interval, status:768 (exit code 3)", MachineDriver.Text(status));
    }

    [Fact]
    public void Terminate_WithWorkers_ReportsStoppingAndExtendsTheTimeout()
    {
        var (_, commands) = Run(Serving(), new TerminateReceived(SignalNames.Term));
        Assert.Contains(new ReportStopping(), commands);
        Assert.Contains(new ExtendStopTimeout(TimeSpan.FromSeconds(12)), commands);
        Assert.Contains(new StartTimer(new StopProgressDue(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7)), TimeSpan.FromSeconds(5)), commands);
    }

    [Theory]
    [InlineData(7, true)]   // workers still draining, time left: extend by what is left
    [InlineData(0, false)]  // the drain timeout is used up: the service manager's own timeout applies
    public void StopProgressDue_WhileDraining_ExtendsOnlyWithinTheDrainTimeout(int leftSeconds, bool extends)
    {
        var stopping = Run(Serving(), new TerminateReceived(SignalNames.Term)).State;
        var (_, commands) = Run(stopping, new StopProgressDue(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(leftSeconds)));
        Assert.Equal(extends, commands.Contains(new ExtendStopTimeout(TimeSpan.FromSeconds(leftSeconds))));
    }

    [Fact]
    public void StopProgressDue_OnceTheWorkersAreGone_SaysNothing()
    {
        var gone = Run(Serving(), new TerminateReceived(SignalNames.Term), new WorkerExited(100, new WaitStatus(0))).State;
        var (_, commands) = Run(gone, new StopProgressDue(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60)));
        Assert.Empty(commands);
    }

    [Fact]
    public void WatchdogDue_InAnyPhase_PetsAndComesBack()
    {
        var due = new WatchdogDue(TimeSpan.FromSeconds(2));
        foreach (var state in new[] { Serving(), Run(Serving(), new TerminateReceived(SignalNames.Term)).State })
        {
            var (_, commands) = Run(state, due);
            Assert.Equal<StarterCommand>([new PetWatchdog(), new StartTimer(due, TimeSpan.FromSeconds(2))], commands.ToArray());
        }
    }
}
