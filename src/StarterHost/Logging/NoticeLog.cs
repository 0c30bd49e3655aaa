using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StarterHost.Configuration;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;
using static Microsoft.Extensions.Logging.LogLevel;

namespace StarterHost.Logging;

/// <summary>
/// The log line of each <see cref="Notice"/> the generation machine gives, in one place: its event id, its
/// level and its words. Event ids are stable (operators filter on them): a retired one stays reserved in a
/// comment, and a new line takes the next free id of its range. Log.cs holds the lines that are not the
/// machine's, and its ids are not used here. start_server's lines keep start_server's wording.
/// </summary>
internal static class NoticeLog
{
    public static void Write(ILogger logger, Notice notice)
    {
        var line = Line(notice);
        if (logger.IsEnabled(line.Level))
            logger.Log(line.Level, line.Id, line, null, static (line, _) => line.Text);
    }

    public static NoticeLine Line(Notice notice) => notice switch
    {
        // 4–19, 21: start_server's own lines, and the ones beside them.
        StartingWorker { Slot: null } w => new(4, Information, "starting new worker {Pid} (generation {Generation})", w.Pid, w.Generation),
        CouldNotSpawn c => new(5, Error, "failed to start a worker for generation {Generation}: {Reason}", c.Generation, c.Reason),
        HangupSpawning => new(6, Information, "received HUP, spawning a new worker"),
        HangupQueued q => new(7, Information, "received HUP while generation {Generation} is starting; another restart follows once it has started", q.StartingGeneration),
        WorkerDiedUnexpectedly { Member: null } d => new(8, Warning, "worker {Pid} died unexpectedly with status:{Status}, restarting", d.Pid, d.Status),
        OldWorkerDied d => new(9, Information, "old worker {Pid} died, status:{Status}", d.Pid, d.Status),
        NewWorkerFailed { Member: null } f => new(10, Error, "new worker {Pid} seems to have failed to start, exit status:{Status}", f.Pid, f.Status),
        NewWorkerRunning r => new(11, Information, "new worker is now running, sending {Signal} to old workers:{Pids}", SignalNames.NameOf(r.Signal), PidList(r.OldPids)),
        SleepingBeforeKill s => new(12, Information, "sleeping {Seconds} secs before killing old workers", s.Delay.TotalSeconds),
        KillingOldWorkers => new(13, Information, "killing old workers"),
        AutoRestartTriggered { Forced: false } a => new(14, Information, "autorestart triggered (interval={Interval})", a.Interval.TotalSeconds),
        AutoRestartTriggered a => new(15, Information, "autorestart triggered (forced, interval={Interval})", a.Interval.TotalSeconds),
        Terminating { Pids.IsEmpty: false } t =>
            new(16, Information, "received {Signal}, sending {Sent} to all workers:{Pids}", SignalNames.NameOf(t.Received), SignalNames.NameOf(t.Sent), string.Join(',', t.Pids.Order())),
        WorkerDied d => new(17, Information, "worker {Pid} died, status:{Status}", d.Pid, d.Status),
        SignalIgnoredWhileStopping s => new(18, Information, "received {Signal} while stopping; still waiting for the workers to exit", SignalNames.NameOf(s.Signal)),
        Exiting => new(19, Information, "exiting"),
        // 20: envdir unreadable (Log.cs). Reserved: 22 (StatusWriteFailed, now 51: the machine decides on a failed write).
        SignalFailed f => new(21, Error, "failed to send SIG{Signal} to worker {Pid}: {Reason}", SignalNames.NameOf(f.Signal), f.Pid, f.Reason),

        // 43–69: supervision (safe handovers: readiness, deadlines, backoff, process groups); 40–42 are Log.cs's.
        GenerationServing g => new(43, Information, "generation {Generation} (pid {Pid}) is serving", g.Generation, g.Pid),
        RetryScheduled r => new(44, Information, "next attempt in {Seconds} s ({Failures} failed starts in a row)", Seconds(r.Delay), r.Failures),
        FailuresRepeated r => new(45, Warning,
            "{Failures} failed starts in a row, the last: {Failure}; next attempt in {Seconds} s (repeats of the same failure are not logged one by one)",
            r.Failures, FailureDescription.Of(r.Failure), Seconds(r.Delay)),
        RestartAbandoned a => new(46, Error, "restart abandoned after {Failures} failed starts; generation {Generation} serves on until the next HUP; last: {Failure}",
            a.Failures, a.ServingGeneration, FailureDescription.Of(a.Failure)),
        StartTimedOut { Slot: null } t => new(47, Error, "new worker {Pid} (generation {Generation}) sent no READY=1 within {Seconds} s; stopping it",
            t.Pid, t.Generation, Seconds(t.Timeout)),
        KilledAtDeadline { LeaderGone: false } k => new(48, Warning,
            "worker {Pid} (generation {Generation}) is still alive {Seconds} s after its signal; sending KILL to its process group", k.Pid, k.Generation, Seconds(k.Timeout)),
        LeftoverSignalled l => new(49, Warning, "worker {Pgid} (generation {Generation}) exited, leaving processes in its group; sending {Signal} to them",
            l.Pgid, l.Generation, SignalNames.NameOf(l.Signal)),
        WorkerSaid w => new(50, Information, "worker {Pid} (generation {Generation}) status: {Text}", w.Pid, w.Generation, w.Text),
        StatusWriteFailing f => new(51, Error, "failed to write the status file: {Reason}; trying again at the next change and every second", f.Reason),
        StatusWriteRecovered => new(52, Information, "the status file is written again"),
        CommandFaulted c => new(53, Error, "failed to carry out {Command}: {Reason}; carrying on", c.Command, c.Reason),
        Terminating t => new(54, Information, "received {Signal}, no worker to send {Sent} to", SignalNames.NameOf(t.Received), SignalNames.NameOf(t.Sent)),
        KilledAtDeadline k => new(55, Warning,
            "processes left in the group of worker {Pgid} (generation {Generation}), which exited, are still alive {Seconds} s after their signal; sending KILL to the group",
            k.Pid, k.Generation, Seconds(k.Timeout)),
        WorkerHung { Slot: null, Silent: { } silent } h => new(57, Error,
            "worker {Pid} (generation {Generation}) sent no WATCHDOG=1 for {Seconds} s: hung; replacing it, then sending {Signal}",
            h.Worker.Pid, h.Worker.Generation, Seconds(silent), SignalNames.NameOf(h.Signal)),
        WorkerHung { Slot: null } h => new(58, Error,
            "worker {Pid} (generation {Generation}) sent WATCHDOG=trigger: hung; replacing it, then sending {Signal}",
            h.Worker.Pid, h.Worker.Generation, SignalNames.NameOf(h.Signal)),
        StartGivenUp g => new(56, Error, "{Failure}; no retry can fix that, and no generation has served: exiting with status 1", FailureDescription.Of(g.Failure)),

        // 93–97: the check command (90–92 are Log.cs's log reopen).
        CheckRunning c => new(93, Information, "received HUP, running the check command before spawning generation {Generation}", c.Generation),
        CheckQueued => new(94, Information, "received HUP while the check command runs; it runs again once this run is over"),
        CheckPassed c => new(95, Information, "the check command passed for generation {Generation}", c.Generation),
        CheckTimedOut c => new(96, Warning, "the check command (pid {Pid}) is still running after {Seconds} s; sending KILL to its process group", c.Pid, Seconds(c.Timeout)),
        CheckRefused c => new(97, Error, "generation {Generation} not spawned: {Reason}", c.Generation, FailureDescription.Of(c.Reason)),

        // 120–139: worker pools (--workers, --handover, recycling). With one worker per generation the lines above are used.
        StartingWorker w => new(120, Information, "starting new worker {Pid} (generation {Generation}, slot {Slot})", w.Pid, w.Generation, w.Slot),
        WorkerDiedUnexpectedly { Member: { } m } d => new(121, Warning,
            "worker {Pid} (generation {Generation}, slot {Slot}) died unexpectedly with status:{Status}, restarting its slot", d.Pid, m.Generation, m.Slot, d.Status),
        NewWorkerFailed { Member: { } m } f => new(122, Error,
            "new worker {Pid} (generation {Generation}, slot {Slot}) seems to have failed to start, exit status:{Status}", f.Pid, m.Generation, m.Slot, f.Status),
        StartTimedOut t => new(123, Error, "new worker {Pid} (generation {Generation}, slot {Slot}) sent no READY=1 within {Seconds} s; stopping it",
            t.Pid, t.Generation, t.Slot, Seconds(t.Timeout)),
        PoolServing p => new(124, Information, "generation {Generation} is serving: {Count} workers, pids {Pids}", p.Generation, p.Pids.Length, PidList(p.Pids)),
        PoolMembersStopped p => new(125, Warning, "generation {Generation} failed to start; stopping its other workers: {Pids}", p.Generation, PidList(p.Pids)),
        PoolMembersServeOn p => new(126, Warning,
            "generation {Generation} failed to start; its workers {Pids} have started and serve on until the next attempt replaces them", p.Generation, PidList(p.Pids)),
        SlotServing { Worker: var w } => new(127, Information, "worker {Pid} (generation {Generation}, slot {Slot}) has started and serves its slot", w.Pid, w.Generation, w.Slot),
        LifetimeReached { Worker: var w } l => new(128, Information,
            $"worker {{Pid}} (generation {{Generation}}, slot {{Slot}}) has served {StarterOptions.MaxWorkerLifetimeOption} ({{Seconds}} s, jitter aside); starting its replacement",
            w.Pid, w.Generation, w.Slot, Seconds(l.Lifetime)),
        MemoryExceeded { Worker: var w } m => new(129, Information,
            $"worker {{Pid}} (generation {{Generation}}, slot {{Slot}}) uses {{Mebibytes}} MB of resident memory, over {StarterOptions.MaxWorkerRssOption}={{Limit}}; starting its replacement",
            w.Pid, w.Generation, w.Slot, m.Mebibytes, m.Limit),
        ReplacementStopped { Worker: var w } => new(130, Information,
            "stopping new worker {Pid} (generation {Generation}, slot {Slot}): a restart replaces its generation", w.Pid, w.Generation, w.Slot),
        WorkerHung { Silent: { } silent } h => new(131, Error,
            "worker {Pid} (generation {Generation}, slot {Slot}) sent no WATCHDOG=1 for {Seconds} s: hung; replacing it, then sending {Signal}",
            h.Worker.Pid, h.Worker.Generation, h.Slot, Seconds(silent), SignalNames.NameOf(h.Signal)),
        WorkerHung h => new(132, Error,
            "worker {Pid} (generation {Generation}, slot {Slot}) sent WATCHDOG=trigger: hung; replacing it, then sending {Signal}",
            h.Worker.Pid, h.Worker.Generation, h.Slot, SignalNames.NameOf(h.Signal)),
        WorkersResized r => new(133, Information, "workers {From} → {To} ({Signal})", r.From, r.To, SignalNames.NameOf(r.Signal)),
        ResizeRefused r => new(134, Warning, "received {Signal} with {Workers} workers per generation, the bound (1 to 4096); ignoring it",
            SignalNames.NameOf(r.Signal), r.Workers),
        SlotRetired s => new(135, Information, "retiring slot {Slot}: {Pids}", s.Slot, PidList(s.Pids)),

        // 170–179: upgrading StarterHost itself in place (SIGUSR2).
        UpgradeChecking u => new(170, Information, "received USR2, checking the new file before upgrading in place (attempt {Attempt})", u.Attempt),
        UpgradeAlreadyRunning u => new(171, Information, "received USR2 while upgrade attempt {Attempt} is under way; one upgrade at a time", u.Attempt),
        UpgradeWaits u => new(172, Information, "the new file ({Version}) can take over; upgrading once the spawn or check command under way is done", u.Version),
        UpgradeExecuting u => new(173, Information, "upgrading in place to {Version}", u.Version),
        UpgradeRefused u => new(174, Error, "upgrade refused: {Reason}; this StarterHost carries on", u.Reason),
        UpgradeDone { Took: { } took } u => new(175, Information,
            "upgraded in place to {Version} in {Milliseconds} ms (exec to supervising), supervising as before (upgrades so far: {Upgrades})",
            u.Version, Math.Round(took.TotalMilliseconds, 1), u.Upgrades),
        // An older image's handoff does not say when it exec'd.
        UpgradeDone u => new(177, Information, "upgraded in place to {Version}, supervising as before (upgrades so far: {Upgrades})", u.Version, u.Upgrades),
        UpgradeWasRolledBack u => new(176, Error, "upgrade rolled back: {Reason}; this StarterHost carries on", u.Reason),

        // 140–159: security (140–143 are Log.cs's).
        WorkerStatusesNotShown n => new(144, Warning, "worker {Pid} (generation {Generation}) status: {Count} more within a second, not shown; the latest follows",
            n.Pid, n.Generation, n.Count),

        _ => throw new ArgumentOutOfRangeException(nameof(notice), notice, "unknown notice"),
    };

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Server::Starter: "1234,1240", or "none".</summary>
    private static string PidList(ImmutableArray<int> pids) => pids.IsEmpty ? "none" : string.Join(',', pids.Order());
}
