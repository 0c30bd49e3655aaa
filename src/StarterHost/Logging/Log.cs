using Microsoft.Extensions.Logging;
using StarterHost.Workers;

namespace StarterHost.Logging;

/// <summary>
/// Every log line StarterHost writes, with a stable event id. Wording follows start_server's, so
/// that what operators grep for ("starting new worker", "died unexpectedly") still matches.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "starterhost (pid:{Pid}) starting now...")]
    public static partial void StartingNow(ILogger logger, int pid);

    [LoggerMessage(2, LogLevel.Information, "listening on {Endpoint} as {Key}={Fd}")]
    public static partial void Listening(ILogger logger, string endpoint, string key, int fd);

    [LoggerMessage(3, LogLevel.Warning, "removing existing socket file:{Path}")]
    public static partial void RemovingStaleSocket(ILogger logger, string path);

    [LoggerMessage(4, LogLevel.Information, "starting new worker {Pid} (generation {Generation})")]
    public static partial void StartingNewWorker(ILogger logger, int pid, int generation);

    [LoggerMessage(5, LogLevel.Error, "failed to start a worker for generation {Generation}: {Reason}")]
    public static partial void SpawnFailed(ILogger logger, int generation, string reason);

    [LoggerMessage(6, LogLevel.Information, "received HUP, spawning a new worker")]
    public static partial void HangupSpawning(ILogger logger);

    [LoggerMessage(7, LogLevel.Information, "received HUP while generation {Generation} is starting; another restart follows once it has started")]
    public static partial void HangupQueued(ILogger logger, int generation);

    [LoggerMessage(8, LogLevel.Warning, "worker {Pid} died unexpectedly with status:{Status}, restarting")]
    public static partial void WorkerDiedUnexpectedly(ILogger logger, int pid, WaitStatus status);

    [LoggerMessage(9, LogLevel.Information, "old worker {Pid} died, status:{Status}")]
    public static partial void OldWorkerDied(ILogger logger, int pid, WaitStatus status);

    [LoggerMessage(10, LogLevel.Error, "new worker {Pid} seems to have failed to start, exit status:{Status}")]
    public static partial void NewWorkerFailed(ILogger logger, int pid, WaitStatus status);

    [LoggerMessage(11, LogLevel.Information, "new worker is now running, sending {Signal} to old workers:{Pids}")]
    public static partial void NewWorkerRunning(ILogger logger, string signal, string pids);

    [LoggerMessage(12, LogLevel.Information, "sleeping {Seconds} secs before killing old workers")]
    public static partial void SleepingBeforeKill(ILogger logger, double seconds);

    [LoggerMessage(13, LogLevel.Information, "killing old workers")]
    public static partial void KillingOldWorkers(ILogger logger);

    [LoggerMessage(14, LogLevel.Information, "autorestart triggered (interval={Interval})")]
    public static partial void AutoRestart(ILogger logger, double interval);

    [LoggerMessage(15, LogLevel.Information, "autorestart triggered (forced, interval={Interval})")]
    public static partial void AutoRestartForced(ILogger logger, double interval);

    [LoggerMessage(16, LogLevel.Information, "received {Signal}, sending {Sent} to all workers:{Pids}")]
    public static partial void Terminating(ILogger logger, string signal, string sent, string pids);

    [LoggerMessage(17, LogLevel.Information, "worker {Pid} died, status:{Status}")]
    public static partial void WorkerDied(ILogger logger, int pid, WaitStatus status);

    [LoggerMessage(18, LogLevel.Information, "received {Signal} while stopping; still waiting for the workers to exit")]
    public static partial void SignalIgnoredWhileStopping(ILogger logger, string signal);

    [LoggerMessage(19, LogLevel.Information, "exiting")]
    public static partial void Exiting(ILogger logger);

    [LoggerMessage(20, LogLevel.Warning, "cannot read envdir {Dir} ({Reason}); spawning without it")]
    public static partial void EnvDirUnreadable(ILogger logger, string dir, string reason);

    [LoggerMessage(21, LogLevel.Error, "failed to send SIG{Signal} to worker {Pid}: {Reason}")]
    public static partial void SignalFailed(ILogger logger, string signal, int pid, string reason);

    // Reserved: 22 (StatusWriteFailed, now 51: the machine decides on a failed write).

    [LoggerMessage(23, LogLevel.Error, "failed to remove {Path}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string path, string reason);

    [LoggerMessage(24, LogLevel.Warning, "failed to notify the service manager at {Socket}: {Reason}; going on without it")]
    public static partial void NotifyFailed(ILogger logger, string socket, string reason);

    [LoggerMessage(25, LogLevel.Information, "notifying the service manager works again")]
    public static partial void NotifyRecovered(ILogger logger);

    [LoggerMessage(26, LogLevel.Information, "using socket {Socket} passed by the service manager as {Key}={Fd}")]
    public static partial void AdoptingPassedSocket(ILogger logger, string socket, string key, int fd);

    [LoggerMessage(27, LogLevel.Warning, "socket {Socket} passed by the service manager matches no --port or --path; not used")]
    public static partial void PassedSocketUnused(ILogger logger, string socket);

    [LoggerMessage(28, LogLevel.Warning, "skipping envdir file {File}: a variable's name cannot hold '=', white space or a control character")]
    public static partial void EnvDirEntrySkipped(ILogger logger, string file);

    [LoggerMessage(70, LogLevel.Information, "configuration files read: {Files}")]
    public static partial void ConfigurationRead(ILogger logger, string files);

    [LoggerMessage(40, LogLevel.Critical, "internal error while handling {Event}; carrying on")]
    public static partial void EventFailed(ILogger logger, string @event, Exception exception);

    // 41–69: supervision (safe handovers: readiness, deadlines, backoff, process groups).

    [LoggerMessage(41, LogLevel.Error, "failed to reap exited children: {Reason}; trying again at the next exit")]
    public static partial void ReapFailed(ILogger logger, string reason);

    [LoggerMessage(42, LogLevel.Critical, "the supervisor loop failed; exiting")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(43, LogLevel.Information, "generation {Generation} (pid {Pid}) is serving")]
    public static partial void GenerationServing(ILogger logger, int generation, int pid);

    [LoggerMessage(44, LogLevel.Information, "next attempt in {Seconds} s ({Failures} failed starts in a row)")]
    public static partial void RetryScheduled(ILogger logger, string seconds, int failures);

    [LoggerMessage(45, LogLevel.Warning, "{Failures} failed starts in a row, the last: {Failure}; next attempt in {Seconds} s (repeats of the same failure are not logged one by one)")]
    public static partial void FailuresRepeated(ILogger logger, int failures, string failure, string seconds);

    [LoggerMessage(46, LogLevel.Error, "restart abandoned after {Failures} failed starts; generation {Generation} serves on until the next HUP; last: {Failure}")]
    public static partial void RestartAbandoned(ILogger logger, int failures, int generation, string failure);

    [LoggerMessage(47, LogLevel.Error, "new worker {Pid} (generation {Generation}) sent no READY=1 within {Seconds} s; stopping it")]
    public static partial void StartTimedOut(ILogger logger, int pid, int generation, string seconds);

    [LoggerMessage(48, LogLevel.Warning, "worker {Pid} (generation {Generation}) is still alive {Seconds} s after its signal; sending KILL to its process group")]
    public static partial void KilledAtDeadline(ILogger logger, int pid, int generation, string seconds);

    [LoggerMessage(49, LogLevel.Warning, "worker {Pgid} (generation {Generation}) exited, leaving processes in its group; sending {Signal} to them")]
    public static partial void LeftoverSignalled(ILogger logger, int pgid, int generation, string signal);

    [LoggerMessage(50, LogLevel.Information, "worker {Pid} (generation {Generation}) status: {Text}")]
    public static partial void WorkerSaid(ILogger logger, int pid, int generation, string text);

    [LoggerMessage(51, LogLevel.Error, "failed to write the status file: {Reason}; trying again at the next change and every second")]
    public static partial void StatusWriteFailing(ILogger logger, string reason);

    [LoggerMessage(52, LogLevel.Information, "the status file is written again")]
    public static partial void StatusWriteRecovered(ILogger logger);

    [LoggerMessage(53, LogLevel.Error, "failed to carry out {Command}: {Reason}; carrying on")]
    public static partial void CommandFaulted(ILogger logger, string command, string reason);

    [LoggerMessage(54, LogLevel.Information, "received {Signal}, no worker to send {Sent} to")]
    public static partial void TerminatingWithoutWorkers(ILogger logger, string signal, string sent);

    [LoggerMessage(55, LogLevel.Warning, "processes left in the group of worker {Pgid} (generation {Generation}), which exited, are still alive {Seconds} s after their signal; sending KILL to the group")]
    public static partial void LeftoverKilledAtDeadline(ILogger logger, int pgid, int generation, string seconds);

    [LoggerMessage(56, LogLevel.Error, "{Failure}; no retry can fix that, and no generation has served: exiting with status 1")]
    public static partial void StartGivenUp(ILogger logger, string failure);

    // 90–119: sockets and privileges (socket activation out to workers, identity, log reopen, pre-flight check).

    [LoggerMessage(90, LogLevel.Information, "received USR1, reopened log file {Path}")]
    public static partial void LogReopened(ILogger logger, string path);

    [LoggerMessage(91, LogLevel.Error, "received USR1, failed to reopen log file {Path}: {Reason}; still writing to the old one")]
    public static partial void LogReopenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(92, LogLevel.Warning, "received USR1, but the log goes to a command ({LogFile}): nothing to reopen")]
    public static partial void LogReopenNotAFile(ILogger logger, string logFile);

    [LoggerMessage(93, LogLevel.Information, "received HUP, running the check command before spawning generation {Generation}")]
    public static partial void CheckRunning(ILogger logger, int generation);

    [LoggerMessage(94, LogLevel.Information, "received HUP while the check command runs; it runs again once this run is over")]
    public static partial void CheckQueued(ILogger logger);

    [LoggerMessage(95, LogLevel.Information, "the check command passed for generation {Generation}")]
    public static partial void CheckPassed(ILogger logger, int generation);

    [LoggerMessage(96, LogLevel.Warning, "the check command (pid {Pid}) is still running after {Seconds} s; sending KILL to its process group")]
    public static partial void CheckTimedOut(ILogger logger, int pid, string seconds);

    [LoggerMessage(97, LogLevel.Error, "generation {Generation} not spawned: {Reason}")]
    public static partial void CheckRefused(ILogger logger, int generation, string reason);

    // 120–139: worker pools (--workers, --handover, recycling). With one worker per generation the lines above are used.

    [LoggerMessage(120, LogLevel.Information, "starting new worker {Pid} (generation {Generation}, slot {Slot})")]
    public static partial void StartingNewPoolWorker(ILogger logger, int pid, int generation, int slot);

    [LoggerMessage(121, LogLevel.Warning, "worker {Pid} (generation {Generation}, slot {Slot}) died unexpectedly with status:{Status}, restarting its slot")]
    public static partial void PoolWorkerDiedUnexpectedly(ILogger logger, int pid, int generation, int slot, WaitStatus status);

    [LoggerMessage(122, LogLevel.Error, "new worker {Pid} (generation {Generation}, slot {Slot}) seems to have failed to start, exit status:{Status}")]
    public static partial void PoolNewWorkerFailed(ILogger logger, int pid, int generation, int slot, WaitStatus status);

    [LoggerMessage(123, LogLevel.Error, "new worker {Pid} (generation {Generation}, slot {Slot}) sent no READY=1 within {Seconds} s; stopping it")]
    public static partial void PoolStartTimedOut(ILogger logger, int pid, int generation, int slot, string seconds);

    [LoggerMessage(124, LogLevel.Information, "generation {Generation} is serving: {Count} workers, pids {Pids}")]
    public static partial void PoolServing(ILogger logger, int generation, int count, string pids);

    [LoggerMessage(125, LogLevel.Warning, "generation {Generation} failed to start; stopping its other workers: {Pids}")]
    public static partial void PoolMembersStopped(ILogger logger, int generation, string pids);

    [LoggerMessage(126, LogLevel.Warning, "generation {Generation} failed to start; its workers {Pids} have started and serve on until the next attempt replaces them")]
    public static partial void PoolMembersServeOn(ILogger logger, int generation, string pids);

    [LoggerMessage(127, LogLevel.Information, "worker {Pid} (generation {Generation}, slot {Slot}) has started and serves its slot")]
    public static partial void SlotServing(ILogger logger, int pid, int generation, int slot);

    [LoggerMessage(128, LogLevel.Information, "worker {Pid} (generation {Generation}, slot {Slot}) has served --max-worker-lifetime ({Seconds} s, jitter aside); starting its replacement")]
    public static partial void LifetimeReached(ILogger logger, int pid, int generation, int slot, string seconds);

    [LoggerMessage(129, LogLevel.Information, "worker {Pid} (generation {Generation}, slot {Slot}) uses {Mebibytes} MB of resident memory, over --max-worker-rss={Limit}; starting its replacement")]
    public static partial void MemoryExceeded(ILogger logger, int pid, int generation, int slot, long mebibytes, int limit);

    [LoggerMessage(130, LogLevel.Information, "stopping new worker {Pid} (generation {Generation}, slot {Slot}): a restart replaces its generation")]
    public static partial void ReplacementStopped(ILogger logger, int pid, int generation, int slot);

    // 140–159: security (who may write StarterHost's files, who may speak on a notify socket, what a worker's text may do).

    [LoggerMessage(140, LogLevel.Warning, "the workers' user {User} can write where StarterHost keeps {Files}: a worker could replace them; keep them in a directory only StarterHost can write to")]
    public static partial void FilesWritableByWorkers(ILogger logger, string user, string files);

    [LoggerMessage(141, LogLevel.Information, "removed notify directory {Path}, left by a StarterHost that has exited")]
    public static partial void StaleNotifyDirectoryRemoved(ILogger logger, string path);

    [LoggerMessage(142, LogLevel.Warning, "ignored a notification to worker {Pid} from pid {Sender}, which is not in the worker's process group; more are counted, not logged")]
    public static partial void NotifyRefused(ILogger logger, int pid, int sender);

    [LoggerMessage(143, LogLevel.Warning, "ignored {Count} notifications to worker {Pid} in all from outside its process group")]
    public static partial void NotifyRefusedInAll(ILogger logger, int pid, int count);

    [LoggerMessage(144, LogLevel.Warning, "worker {Pid} (generation {Generation}) status: {Count} more within a second, not shown; the latest follows")]
    public static partial void WorkerStatusesNotShown(ILogger logger, int pid, int generation, int count);
}
