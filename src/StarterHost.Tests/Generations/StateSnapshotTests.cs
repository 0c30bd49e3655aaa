using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>
/// The machine's state crosses an exec as JSON (the upgrade in place): whatever it holds comes back equal, and
/// the machine goes on from it exactly as it would have.
/// </summary>
public sealed class StateSnapshotTests
{
    private static readonly RuntimeSettings Checked = Pool with { CheckBeforeRestart = true, CheckTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Mid-handover in a pool of 3: generation 1 draining (one of its workers gone, leaving a process group), a
    /// crash in generation 2 whose slot waits out the backoff, a check running for the next restart, and the
    /// READY=1 of generation 2 held because the status file cannot be written.
    /// </summary>
    private static MachineDriver MidHandover()
    {
        var d = new MachineDriver(Checked).On(new Started()).ServePool(1, 100, 200, 300);
        d.On(new HangupReceived()).On(new CheckStarted(1, 50)).On(new CheckFinished(50, ExitedZero, ""));
        d.Spawn(2, 400, 500, 600).Ready(2, 400).Ready(2, 500);
        d.StatusFails = "No space left on device";
        d.Ready(2, 600);
        d.On(new WorkerNotified(400, Ready: false, Status: "accepting connections"));
        d.On(new WorkerExited(100, ExitedZero, GroupRemains: true));
        d.On(new WorkerExited(500, Killed)).On(new WorkerSpawned(2, 700, Slot: 1)).On(new WorkerExited(700, ExitedThree));
        d.On(new HangupReceived()).On(new CheckStarted(2, 51));
        return d;
    }

    /// <summary>One worker, whose second quick death waits out the backoff before the next generation.</summary>
    private static MachineDriver RespawnWaiting()
    {
        var settings = Defaults with { Interval = TimeSpan.Zero, BackoffMax = TimeSpan.FromSeconds(30) };
        return new MachineDriver(settings).On(new Started()).Serve(1, 100).On(new WorkerExited(100, ExitedThree)).Serve(2, 200).On(new WorkerExited(200, ExitedThree));
    }

    /// <summary>A restart's attempts failing while generation 1 serves on, then TERM while they are retried.</summary>
    private static MachineDriver StoppingAfterFailedStarts()
    {
        var d = Running(Defaults with { DrainTimeout = TimeSpan.FromSeconds(10), BackoffMax = TimeSpan.FromSeconds(30) }).On(new HangupReceived());
        d.On(new WorkerSpawned(2, 200)).On(new WorkerExited(200, ExitedThree)).On(new StartupIntervalElapsed(2, 200));
        return d.On(new TerminateReceived(SignalNames.Term));
    }

    /// <summary>A pool of 3 grown by TTIN to 4, its slot 1 found hung by the watchdog: draining, its replacement on its way.</summary>
    private static MachineDriver ResizedAndHung()
    {
        var settings = Pool with { WorkerWatchdog = TimeSpan.FromSeconds(10) };
        var d = new MachineDriver(settings).On(new Started()).ServePool(1, 100, 200, 300).On(new GenerationStable(1));
        d.On(new ResizeRequested(SignalNames.Ttin)).On(new WorkerSpawned(1, 400, Slot: 3)).Ready(1, 400);
        return d.On(new WorkerSilent(200));
    }

    public static TheoryData<string> States => ["mid-handover", "respawn waiting", "stopping after failed starts", "resized and hung", "initial"];

    private static MachineDriver Build(string name) => name switch
    {
        "mid-handover" => MidHandover(),
        "respawn waiting" => RespawnWaiting(),
        "stopping after failed starts" => StoppingAfterFailedStarts(),
        "resized and hung" => ResizedAndHung(),
        _ => new MachineDriver(Defaults),
    };

    [Fact]
    public void TheMidHandoverStateHoldsWhatItSaysItDoes()
    {
        var state = MidHandover().State;
        Assert.Equal(2, state.Roster.Current!.Generation);
        Assert.Equal(new Member(2, 1, MemberPhase.Queued), state.Roster.Current.Slots[1].Replacement);
        Assert.Equal([200, 300], state.Roster.Old.Where(o => o.Retirement == Retirement.Signalled).Select(o => o.Worker.Pid));
        Assert.Equal([new LeftoverGroup(100, 1)], state.Roster.Leftovers);
        Assert.Equal(new CheckRun(2, 3, Pid: 51), state.Check);
        Assert.Equal([new HeldReport(ServiceReport.Ready, 2)], state.Publication.HeldReports);
        Assert.Equal("No space left on device", state.Publication.StatusProblem);
        Assert.Equal("accepting connections", state.Publication.WorkerStatus[400]);
        Assert.Equal(2, state.Failures.Consecutive);
        Assert.IsType<WorkerFailed>(state.Failures.Last);
        Assert.NotNull(state.Publication.ReportedStatus);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void AStateComesBackFromJsonUnchanged(string name)
    {
        var state = Build(name).State;
        byte[] json = StateSnapshot.Of(state, []).ToJson();

        var back = StateSnapshot.FromJson(json);

        Assert.Equal(StateSnapshot.CurrentSchema, back.Schema);
        Assert.Equal(state, back.State);
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(back.ToJson()));
    }

    /// <summary>What each state waits for, then a HUP and a TERM.</summary>
    private static StarterEvent[] Next(string name) => name switch
    {
        "mid-handover" =>
        [
            new SlotRetryDue(2, 1), new WorkerSpawned(2, 800, Slot: 1), new StartupIntervalElapsed(2, 800), new WorkerExited(300, ExitedZero),
            new DrainDeadlineDue([100, 200, 300]), new GroupGone(100), new CheckFinished(51, ExitedZero, ""), new StatusRetryDue(),
        ],
        "respawn waiting" => [new RetryDue(2), new EnvDirRead(Defaults with { Interval = TimeSpan.Zero }), new WorkerSpawned(3, 300), new StartupIntervalElapsed(3, 300)],
        "stopping after failed starts" => [new RetryDue(3), new StopDeadlineDue(), new WorkerExited(100, Killed)],
        "resized and hung" =>
        [
            new WorkerSpawned(1, 800, Slot: 1), new StartupIntervalElapsed(1, 800), new WorkerNotified(100, false, null, Watchdog: WatchdogMessage.Ping),
            new ResizeRequested(SignalNames.Ttou), new DrainDeadlineDue([200]), new WorkerSilent(300),
        ],
        _ => [new Started()],
    };

    [Theory]
    [MemberData(nameof(States))]
    public void TheMachineGoesOnFromAStateThatCameBackAsFromTheOriginal(string name)
    {
        var original = Build(name);
        var back = new MachineDriver(original.Settings, StateSnapshot.FromJson(StateSnapshot.Of(original.State, []).ToJson()).State)
        {
            StatusFails = original.StatusFails,
        };
        foreach (var evt in Next(name).Append(new HangupReceived()).Append(new TerminateReceived(SignalNames.Term)))
        {
            original.On(evt);
            back.On(evt);
            Assert.Equal(original.State, back.State);
            Assert.Equal(original.Last.Select(Describe), back.Last.Select(Describe));
        }
    }

    /// <summary>A command as text, with the items of its arrays (a record prints an ImmutableArray as its type).</summary>
    private static string Describe(StarterCommand command) => command switch
    {
        SignalWorkers s => $"SignalWorkers {string.Join(',', s.Pids)} {s.Signal} {s.Group}",
        WriteStatus w => $"WriteStatus {StatusText(w)}",
        ReportStatus r => $"ReportStatus {Text(r)}",
        _ => command.ToString(),
    };

    /// <summary>One of each event a timer carries, as an armed timer crosses the exec.</summary>
    private static readonly StarterEvent[] TimerEvents =
    [
        new StartupIntervalElapsed(2, 200), new StartTimeoutElapsed(2, 200), new RetryDue(3), new GenerationStable(2), new SlotRetryDue(2, 1),
        new WorkerStable(700), new LifetimeElapsed(400), new MemoryCheckDue(), new KillOldDelayElapsed([100, 200]), new DrainDeadlineDue([100]),
        new StopDeadlineDue(), new AutoRestartDue(4, Forced: true), new WatchdogDue(TimeSpan.FromSeconds(2)),
        new StopProgressDue(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(55)), new StatusRetryDue(), new CheckTimeoutDue(2),
        new WorkerSilent(400),
        new UpgradeCheckTimeoutDue(3),
    ];

    [Fact]
    public void EveryEventATimerCarriesCrossesWithItsTimer()
    {
        var registered = typeof(StarterEvent).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType);
        Assert.Equal(registered.Select(t => t.Name).Order(), TimerEvents.Select(e => e.GetType().Name).Order());
        var timers = TimerEvents.Select((e, i) => new ArmedTimer(e, 1_000_000L * i)).ToImmutableArray();
        byte[] json = StateSnapshot.Of(MidHandover().State, timers).ToJson();

        var back = StateSnapshot.FromJson(json).Timers;

        Assert.Equal(timers.Select(t => t.GetType()), back.Select(t => t.GetType()));
        Assert.Equal(timers.Select(t => t.DueMonotonicMicroseconds), back.Select(t => t.DueMonotonicMicroseconds));
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(StateSnapshot.Of(MidHandover().State, back).ToJson()));
        Assert.Equal(new SlotRetryDue(2, 1), back[4].Event);
        Assert.Equal([100, 200], ((KillOldDelayElapsed)back[8].Event).Pids.ToArray());
    }

    [Fact]
    public void AnEventNoTimerCarriesDoesNotCross() =>
        Assert.Throws<NotSupportedException>(() => StateSnapshot.Of(GenerationState.Initial(Defaults), [new ArmedTimer(new HangupReceived(), 0)]).ToJson());

    [Theory]
    [InlineData(0)]
    [InlineData(StateSnapshot.CurrentSchema + 1)]
    public void AStateOfAnotherSchemaIsRefused(int schema)
    {
        var node = JsonSerializer.SerializeToNode(StateSnapshot.Of(GenerationState.Initial(Defaults), []), StateJsonContext.Default.StateSnapshot)!;
        node["Schema"] = schema;
        var refused = Assert.Throws<JsonException>(() => StateSnapshot.FromJson(Encoding.UTF8.GetBytes(node.ToJsonString())));
        Assert.Contains($"state schema {schema}", refused.Message);
    }

    [Fact]
    public void AStateWrittenBeforeTheMetricsCountersReadsWithThemAtZero()
    {
        var state = MidHandover().State;
        Assert.True(state.Counters.FailedStarts > 0 && state.Counters.Exits != new WorkerExits(), "the state has metrics counts to lose");
        var node = JsonSerializer.SerializeToNode(StateSnapshot.Of(state, []), StateJsonContext.Default.StateSnapshot)!;
        var counters = node["State"]!["Counters"]!.AsObject();
        counters.Remove("FailedStarts");
        counters.Remove("Exits");
        foreach (var old in node["State"]!["Roster"]!["Old"]!.AsArray())
            old!.AsObject().Remove("Recycled");
        var read = StateSnapshot.FromJson(Encoding.UTF8.GetBytes(node.ToJsonString())).State;
        Assert.Equal(state with { Counters = new Counters(state.Counters.Starts, state.Counters.Restarts, state.Counters.Failures) }, read);
    }

    [Fact]
    public void AStateWithAFieldThisStarterHostDoesNotKnowIsRefusedNotTruncated()
    {
        var node = JsonSerializer.SerializeToNode(StateSnapshot.Of(GenerationState.Initial(Defaults), []), StateJsonContext.Default.StateSnapshot)!;
        node["State"]!["Roster"]!["Unheard"] = 1;
        Assert.Throws<JsonException>(() => StateSnapshot.FromJson(Encoding.UTF8.GetBytes(node.ToJsonString())));
    }
}
