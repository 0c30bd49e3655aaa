using System.Reflection;
using Microsoft.Extensions.Logging;
using StarterHost.Generations;
using StarterHost.Logging;
using StarterHost.Signals;
using StarterHost.Workers;

namespace StarterHost.Tests.Logging;

/// <summary>
/// Every notice of the machine as its log line: the words (start_server's where it has them), the level and
/// the event id, which must be stable and shared with no other line.
/// </summary>
public sealed class NoticeLogTests
{
    private static readonly WaitStatus ExitedThree = new(3 << 8);
    private static readonly WaitStatus Killed = new(SignalNames.Kill);
    private static readonly AttemptFailed NotReadyInTime = new(4, new NotReady(TimeSpan.FromSeconds(60)));

    /// <summary>One notice of each kind (two where a kind has two lines), its id, its level and its line.</summary>
    private static readonly (Notice Notice, int Id, LogLevel Level, string Line)[] Lines =
    [
        (new StartingWorker(100, 1), 4, LogLevel.Information, "starting new worker 100 (generation 1)"),
        (new CouldNotSpawn(2, "fork: Resource temporarily unavailable"), 5, LogLevel.Error, "failed to start a worker for generation 2: fork: Resource temporarily unavailable"),
        (new HangupSpawning(), 6, LogLevel.Information, "received HUP, spawning a new worker"),
        (new HangupQueued(2), 7, LogLevel.Information, "received HUP while generation 2 is starting; another restart follows once it has started"),
        (new WorkerDiedUnexpectedly(100, Killed), 8, LogLevel.Warning, "worker 100 died unexpectedly with status:9 (killed by SIGKILL), restarting"),
        (new OldWorkerDied(100, new WaitStatus(0)), 9, LogLevel.Information, "old worker 100 died, status:0 (exit code 0)"),
        (new NewWorkerFailed(200, ExitedThree), 10, LogLevel.Error, "new worker 200 seems to have failed to start, exit status:768 (exit code 3)"),
        (new NewWorkerRunning(SignalNames.Term, [300, 100]), 11, LogLevel.Information, "new worker is now running, sending TERM to old workers:100,300"),
        (new NewWorkerRunning(SignalNames.Term, []), 11, LogLevel.Information, "new worker is now running, sending TERM to old workers:none"),
        (new SleepingBeforeKill(TimeSpan.FromSeconds(0.5)), 12, LogLevel.Information, "sleeping 0.5 secs before killing old workers"),
        (new KillingOldWorkers(), 13, LogLevel.Information, "killing old workers"),
        (new AutoRestartTriggered(TimeSpan.FromSeconds(360), Forced: false), 14, LogLevel.Information, "autorestart triggered (interval=360)"),
        (new AutoRestartTriggered(TimeSpan.FromSeconds(10), Forced: true), 15, LogLevel.Information, "autorestart triggered (forced, interval=10)"),
        (new Terminating(SignalNames.Int, SignalNames.Term, [200, 100]), 16, LogLevel.Information, "received INT, sending TERM to all workers:100,200"),
        (new WorkerDied(100, Killed), 17, LogLevel.Information, "worker 100 died, status:9 (killed by SIGKILL)"),
        (new SignalIgnoredWhileStopping(SignalNames.Hup), 18, LogLevel.Information, "received HUP while stopping; still waiting for the workers to exit"),
        (new Exiting(), 19, LogLevel.Information, "exiting"),
        (new SignalFailed(100, SignalNames.Term, "Operation not permitted"), 21, LogLevel.Error, "failed to send SIGTERM to worker 100: Operation not permitted"),
        (new GenerationServing(2, 200), 43, LogLevel.Information, "generation 2 (pid 200) is serving"),
        (new RetryScheduled(3, TimeSpan.FromSeconds(1.0625)), 44, LogLevel.Information, "next attempt in 1.063 s (3 failed starts in a row)"),
        (new FailuresRepeated(8, NotReadyInTime, TimeSpan.FromSeconds(30)), 45, LogLevel.Warning,
            "8 failed starts in a row, the last: generation 4 was not ready within 60 s (no READY=1); next attempt in 30 s (repeats of the same failure are not logged one by one)"),
        (new RestartAbandoned(3, 1, NotReadyInTime), 46, LogLevel.Error,
            "restart abandoned after 3 failed starts; generation 1 serves on until the next HUP; last: generation 4 was not ready within 60 s (no READY=1)"),
        (new StartTimedOut(200, 2, TimeSpan.FromSeconds(60)), 47, LogLevel.Error, "new worker 200 (generation 2) sent no READY=1 within 60 s; stopping it"),
        (new KilledAtDeadline(100, 1, TimeSpan.FromSeconds(10)), 48, LogLevel.Warning,
            "worker 100 (generation 1) is still alive 10 s after its signal; sending KILL to its process group"),
        (new LeftoverSignalled(100, 1, SignalNames.Term), 49, LogLevel.Warning, "worker 100 (generation 1) exited, leaving processes in its group; sending TERM to them"),
        (new WorkerSaid(100, 1, "accepting connections"), 50, LogLevel.Information, "worker 100 (generation 1) status: accepting connections"),
        (new StatusWriteFailing("No space left on device"), 51, LogLevel.Error,
            "failed to write the status file: No space left on device; trying again at the next change and every second"),
        (new StatusWriteRecovered(), 52, LogLevel.Information, "the status file is written again"),
        (new CommandFaulted("ProbeGroups", "boom"), 53, LogLevel.Error, "failed to carry out ProbeGroups: boom; carrying on"),
        (new Terminating(SignalNames.Term, SignalNames.Term, []), 54, LogLevel.Information, "received TERM, no worker to send TERM to"),
        (new KilledAtDeadline(100, 1, TimeSpan.FromSeconds(10), LeaderGone: true), 55, LogLevel.Warning,
            "processes left in the group of worker 100 (generation 1), which exited, are still alive 10 s after their signal; sending KILL to the group"),
        (new StartGivenUp(new AttemptFailed(1, new NotSpawned("exec ./server failed: Exec format error"))), 56, LogLevel.Error,
            "generation 1 could not be spawned: exec ./server failed: Exec format error; no retry can fix that, and no generation has served: exiting with status 1"),
        (new CheckRunning(2), 93, LogLevel.Information, "received HUP, running the check command before spawning generation 2"),
        (new CheckQueued(), 94, LogLevel.Information, "received HUP while the check command runs; it runs again once this run is over"),
        (new CheckPassed(2), 95, LogLevel.Information, "the check command passed for generation 2"),
        (new UpgradeChecking(1), 170, LogLevel.Information, "received USR2, checking the new file before upgrading in place (attempt 1)"),
        (new UpgradeAlreadyRunning(1), 171, LogLevel.Information, "received USR2 while upgrade attempt 1 is under way; one upgrade at a time"),
        (new UpgradeWaits("2.0.0"), 172, LogLevel.Information, "the new file (2.0.0) can take over; upgrading once the spawn or check command under way is done"),
        (new UpgradeExecuting("2.0.0"), 173, LogLevel.Information, "upgrading in place to 2.0.0"),
        (new UpgradeRefused("the new file's --upgrade-check did not answer within 10 s"), 174, LogLevel.Error,
            "upgrade refused: the new file's --upgrade-check did not answer within 10 s; this StarterHost carries on"),
        (new UpgradeDone("2.0.0", 3), 177, LogLevel.Information, "upgraded in place to 2.0.0, supervising as before (upgrades so far: 3)"),
        (new UpgradeDone("2.0.0", 3, TimeSpan.FromMicroseconds(38_460)), 175, LogLevel.Information,
            "upgraded in place to 2.0.0 in 38.5 ms (exec to supervising), supervising as before (upgrades so far: 3)"),
        (new UpgradeWasRolledBack("Unknown option: no-such-option"), 176, LogLevel.Error, "upgrade rolled back: Unknown option: no-such-option; this StarterHost carries on"),
        (new CheckTimedOut(50, TimeSpan.FromSeconds(10)), 96, LogLevel.Warning, "the check command (pid 50) is still running after 10 s; sending KILL to its process group"),
        (new CheckRefused(2, new RestartRefused(new CheckExited(ExitedThree, "syntax error"), 1)), 97, LogLevel.Error,
            "generation 2 not spawned: restart refused: the check command failed with status:768 (exit code 3): syntax error; generation 1 keeps serving"),
        (new StartingWorker(100, 1, Slot: 0), 120, LogLevel.Information, "starting new worker 100 (generation 1, slot 0)"),
        (new WorkerDiedUnexpectedly(200, Killed, new Worker(1, 200, 1)), 121, LogLevel.Warning,
            "worker 200 (generation 1, slot 1) died unexpectedly with status:9 (killed by SIGKILL), restarting its slot"),
        (new NewWorkerFailed(200, ExitedThree, new Worker(1, 200, 1)), 122, LogLevel.Error,
            "new worker 200 (generation 1, slot 1) seems to have failed to start, exit status:768 (exit code 3)"),
        (new StartTimedOut(600, 2, TimeSpan.FromSeconds(60), Slot: 2), 123, LogLevel.Error, "new worker 600 (generation 2, slot 2) sent no READY=1 within 60 s; stopping it"),
        (new PoolServing(1, [300, 100, 200]), 124, LogLevel.Information, "generation 1 is serving: 3 workers, pids 100,200,300"),
        (new PoolMembersStopped(1, [100, 300]), 125, LogLevel.Warning, "generation 1 failed to start; stopping its other workers: 100,300"),
        (new PoolMembersServeOn(2, [400]), 126, LogLevel.Warning, "generation 2 failed to start; its workers 400 have started and serve on until the next attempt replaces them"),
        (new SlotServing(new Worker(1, 400, 1)), 127, LogLevel.Information, "worker 400 (generation 1, slot 1) has started and serves its slot"),
        (new LifetimeReached(new Worker(1, 100, 0), TimeSpan.FromSeconds(100)), 128, LogLevel.Information,
            "worker 100 (generation 1, slot 0) has served --max-worker-lifetime (100 s, jitter aside); starting its replacement"),
        (new MemoryExceeded(new Worker(1, 200, 1), 300, 256), 129, LogLevel.Information,
            "worker 200 (generation 1, slot 1) uses 300 MB of resident memory, over --max-worker-rss=256; starting its replacement"),
        (new ReplacementStopped(new Worker(1, 400, 1)), 130, LogLevel.Information, "stopping new worker 400 (generation 1, slot 1): a restart replaces its generation"),
        (new WorkerHung(new Worker(1, 100), null, TimeSpan.FromSeconds(10), SignalNames.Abrt), 57, LogLevel.Error,
            "worker 100 (generation 1) sent no WATCHDOG=1 for 10 s: hung; replacing it, then sending ABRT"),
        (new WorkerHung(new Worker(1, 100), null, null, SignalNames.Abrt), 58, LogLevel.Error,
            "worker 100 (generation 1) sent WATCHDOG=trigger: hung; replacing it, then sending ABRT"),
        (new WorkerHung(new Worker(2, 300, 1), 1, TimeSpan.FromSeconds(2.5), SignalNames.Quit), 131, LogLevel.Error,
            "worker 300 (generation 2, slot 1) sent no WATCHDOG=1 for 2.5 s: hung; replacing it, then sending QUIT"),
        (new WorkerHung(new Worker(2, 300, 1), 1, null, SignalNames.Abrt), 132, LogLevel.Error,
            "worker 300 (generation 2, slot 1) sent WATCHDOG=trigger: hung; replacing it, then sending ABRT"),
        (new WorkersResized(3, 4, SignalNames.Ttin), 133, LogLevel.Information, "workers 3 → 4 (TTIN)"),
        (new ResizeRefused(1, SignalNames.Ttou), 134, LogLevel.Warning, "received TTOU with 1 workers per generation, the bound (1 to 4096); ignoring it"),
        (new SlotRetired(3, [400]), 135, LogLevel.Information, "retiring slot 3: 400"),
        (new WorkerStatusesNotShown(100, 1, 93), 144, LogLevel.Warning, "worker 100 (generation 1) status: 93 more within a second, not shown; the latest follows"),
    ];

    public static TheoryData<int> Rows => [.. Enumerable.Range(0, Lines.Length)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void EachNoticeIsOneLineWithItsWordsLevelAndId(int row)
    {
        var (notice, id, level, text) = Lines[row];
        var line = NoticeLog.Line(notice);
        Assert.Equal(text, line.Text);
        Assert.Equal(level, line.Level);
        Assert.Equal(id, line.Id.Id);
        // Structured properties as a [LoggerMessage] gives them: one per hole, then the template.
        Assert.Equal(line.Values.Count, line.Names.Count);
        Assert.Equal("{OriginalFormat}", line.Last().Key);
    }

    [Fact]
    public void EveryKindOfNoticeHasALine()
    {
        var kinds = typeof(Notice).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Notice)) && !t.IsAbstract).Select(t => t.Name).Order();
        Assert.Equal(kinds, Lines.Select(l => l.Notice.GetType().Name).Distinct().Order());
    }

    [Fact]
    public void AnEventIdIsOneLineAndNoneOfLogsOwn()
    {
        var byId = Lines.Select(l => NoticeLog.Line(l.Notice)).GroupBy(l => l.Id.Id);
        Assert.All(byId, lines => Assert.Single(lines.Select(l => l.Template).Distinct()));
        var logIds = typeof(Log).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>()).OfType<LoggerMessageAttribute>().Select(a => a.EventId).ToList();
        Assert.NotEmpty(logIds);
        Assert.Empty(logIds.Intersect(byId.Select(g => g.Key)));
    }

    [Fact]
    public void TheLoggerGetsTheLineAtItsLevelWithItsId()
    {
        var logger = new CapturingLogger();
        NoticeLog.Write(logger, new KilledAtDeadline(100, 1, TimeSpan.FromSeconds(10)));
        var (level, id, text, properties) = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Warning, 48), (level, id.Id));
        Assert.Equal("worker 100 (generation 1) is still alive 10 s after its signal; sending KILL to its process group", text);
        Assert.Equal(["Pid", "Generation", "Seconds", "{OriginalFormat}"], properties.Select(p => p.Key));
        Assert.Equal(100, properties[0].Value);
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<(LogLevel, EventId, string, IReadOnlyList<KeyValuePair<string, object?>>)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, eventId, formatter(state, exception), Assert.IsAssignableFrom<IReadOnlyList<KeyValuePair<string, object?>>>(state)));
    }
}
