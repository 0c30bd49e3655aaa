using Microsoft.Extensions.Logging;
using StarterHost.Configuration;

namespace StarterHost.Logging;

/// <summary>
/// The log lines that are not the generation machine's (start-up, sockets, the loop's own faults), with
/// stable event ids. The machine's lines, one per <see cref="Generations.Notice"/>, are in NoticeLog, with ids
/// of their own: the ranges below say which are whose. Wording follows start_server's, so that what operators
/// grep for ("starting new worker", "died unexpectedly") still matches.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "starterhost (pid:{Pid}) starting now...")]
    public static partial void StartingNow(ILogger logger, int pid);

    [LoggerMessage(2, LogLevel.Information, "listening on {Endpoint} as {Key}={Fd}")]
    public static partial void Listening(ILogger logger, string endpoint, string key, int fd);

    [LoggerMessage(3, LogLevel.Warning, "removing existing socket file:{Path}")]
    public static partial void RemovingStaleSocket(ILogger logger, string path);

    // 4–19 and 21: the machine's (NoticeLog).

    [LoggerMessage(20, LogLevel.Warning, "cannot read envdir {Dir} ({Reason}); spawning without it")]
    public static partial void EnvDirUnreadable(ILogger logger, string dir, string reason);

    // Reserved: 22 (StatusWriteFailed, now 51: the machine decides on a failed write).

    [LoggerMessage(23, LogLevel.Error, "failed to remove {Path}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string path, string reason);

    [LoggerMessage(24, LogLevel.Warning, "failed to notify the service manager at {Socket}: {Reason}; going on without it")]
    public static partial void NotifyFailed(ILogger logger, string socket, string reason);

    [LoggerMessage(25, LogLevel.Information, "notifying the service manager works again")]
    public static partial void NotifyRecovered(ILogger logger);

    [LoggerMessage(26, LogLevel.Information, "using socket {Socket} passed by the service manager as {Key}={Fd}")]
    public static partial void AdoptingPassedSocket(ILogger logger, string socket, string key, int fd);

    [LoggerMessage(27, LogLevel.Warning, "socket {Socket} passed by the service manager matches no {PortOption} or {PathOption}; not used")]
    private static partial void PassedSocketUnused(ILogger logger, string socket, string portOption, string pathOption);

    public static void PassedSocketUnused(ILogger logger, string socket) =>
        PassedSocketUnused(logger, socket, StarterOptions.PortOption.Cli, StarterOptions.PathOption.Cli);

    [LoggerMessage(28, LogLevel.Warning, "skipping envdir file {File}: a variable's name cannot hold '=', white space or a control character")]
    public static partial void EnvDirEntrySkipped(ILogger logger, string file);

    [LoggerMessage(70, LogLevel.Information, "configuration files read: {Files}")]
    public static partial void ConfigurationRead(ILogger logger, string files);

    [LoggerMessage(40, LogLevel.Critical, "internal error while handling {Event}; carrying on")]
    public static partial void EventFailed(ILogger logger, string @event, Exception exception);

    // 41–69: supervision (safe handovers: readiness, deadlines, backoff, process groups); 43–69 are the machine's (NoticeLog).

    [LoggerMessage(41, LogLevel.Error, "failed to reap exited children: {Reason}; trying again at the next exit")]
    public static partial void ReapFailed(ILogger logger, string reason);

    [LoggerMessage(42, LogLevel.Critical, "the supervisor loop failed; exiting")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    // 90–119: sockets and privileges (socket activation out to workers, identity, log reopen, pre-flight check);
    // 93–97, the check command, are the machine's (NoticeLog).

    [LoggerMessage(90, LogLevel.Information, "received USR1, reopened log file {Path}")]
    public static partial void LogReopened(ILogger logger, string path);

    [LoggerMessage(91, LogLevel.Error, "received USR1, failed to reopen log file {Path}: {Reason}; still writing to the old one")]
    public static partial void LogReopenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(92, LogLevel.Warning, "received USR1, but the log goes to a command ({LogFile}): nothing to reopen")]
    public static partial void LogReopenNotAFile(ILogger logger, string logFile);

    // 120–139: worker pools (--workers, --handover, recycling): the machine's (NoticeLog).

    // 140–159: security (who may write StarterHost's files, who may speak on a notify socket, what a worker's text may do);
    // 144 is the machine's (NoticeLog).

    [LoggerMessage(140, LogLevel.Warning, "the workers' user {User} can write where StarterHost keeps {Files}: a worker could replace them; keep them in a directory only StarterHost can write to")]
    public static partial void FilesWritableByWorkers(ILogger logger, string user, string files);

    [LoggerMessage(141, LogLevel.Information, "removed notify directory {Path}, left by a StarterHost that has exited")]
    public static partial void StaleNotifyDirectoryRemoved(ILogger logger, string path);

    [LoggerMessage(142, LogLevel.Warning, "ignored a notification to worker {Pid} from pid {Sender}, which is not in the worker's process group; more are counted, not logged")]
    public static partial void NotifyRefused(ILogger logger, int pid, int sender);

    [LoggerMessage(143, LogLevel.Warning, "ignored {Count} notifications to worker {Pid} in all from outside its process group")]
    public static partial void NotifyRefusedInAll(ILogger logger, int pid, int count);

    // 160–169: the metrics endpoint.

    [LoggerMessage(160, LogLevel.Information, "serving metrics on {Address} (GET /metrics)")]
    public static partial void MetricsServing(ILogger logger, string address);

    [LoggerMessage(161, LogLevel.Error, "metrics endpoint: {Reason}; carrying on")]
    public static partial void MetricsFault(ILogger logger, string reason);
}
