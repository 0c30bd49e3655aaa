using System.Globalization;
using StarterHost.Generations;

namespace StarterHost.Status;

/// <summary>
/// The words for what went wrong, built from the machine's failure records: one sentence, read alike in the
/// log, the status file's <c>.failure</c> companion, <c>--status-json</c>'s last failure and <c>STATUS=</c>.
/// Scripts and tests match these words: change them only on purpose. Numbers are integers (no culture
/// changes their digits) but for the seconds, which are formatted invariantly.
/// </summary>
internal static class FailureDescription
{
    public static string Of(Failure failure) => failure switch
    {
        AttemptFailed { Kind: ExitedEarly exited, Pid: > 0 } a =>
            $"generation {a.Generation} failed to start: worker {a.Pid}{InSlot(a.Slot)} exited {When(exited.Readiness)}, status:{exited.Status}",
        AttemptFailed a => $"generation {a.Generation} {Of(a.Kind)}",
        WorkerFailed w => $"generation {w.Generation}{(w.Pid > 0 ? $" worker {w.Pid}" : "")}{InSlot(w.Slot)} {OfWorker(w.Kind)}",
        RestartRetrying r => $"{Of(r.Attempt)}; generation {r.ServingGeneration} keeps serving, and StarterHost tries again",
        RestartAbandonedAfter a =>
            $"restart abandoned after {a.Failures} failed starts, generation {a.ServingGeneration} serves on until the next HUP; last: {Of(a.Last)}",
        RestartRefused r => $"restart refused: {Of(r.Check)}; {(r.ServingGeneration is { } serving ? $"generation {serving} keeps serving" : "no generation is serving")}",
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "unknown failure"),
    };

    public static string Of(FailureKind kind) => kind switch
    {
        NotSpawned n => $"could not be spawned: {n.Reason}",
        ExitedEarly e => $"failed to start: its worker exited {When(e.Readiness)}, status:{e.Status}",
        NotReady n => $"was not ready within {Seconds(n.Timeout)} s (no READY=1)",
        DiedUnexpectedly d => $"died unexpectedly, status:{d.Status}",
        Hung { Silent: { } silent } => $"hung (no WATCHDOG=1 for {Seconds(silent)} s)",
        Hung => "hung (it sent WATCHDOG=trigger)",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown failure kind"),
    };

    public static string Of(CheckFailure check) => check switch
    {
        CheckNotRun n => $"the check command could not be run: {n.Reason}",
        CheckTooSlow s => WithOutput($"the check command did not finish within {Seconds(s.Limit)} s", s.Output),
        CheckExited e => WithOutput($"the check command failed with status:{e.Status}", e.Output),
        _ => throw new ArgumentOutOfRangeException(nameof(check), check, "unknown check failure"),
    };

    /// <summary>The <c>.failure</c> file's one line: the generation a restart failed to start, and why.</summary>
    public static string Of(RestartFailure failure) => $"{failure.Generation} {Of(failure.Reason)}";

    /// <summary>A worker of the serving generation: "it exited", where a generation's attempt says "its worker exited".</summary>
    private static string OfWorker(FailureKind kind) =>
        kind is ExitedEarly e ? $"failed to start: it exited {When(e.Readiness)}, status:{e.Status}" : Of(kind);

    /// <summary>When an exit means a worker failed to start: before READY=1 (notify readiness), or within its interval.</summary>
    private static string When(ReadinessMode readiness) =>
        readiness == ReadinessMode.Notify ? "before sending READY=1" : "within the interval";

    private static string InSlot(int? slot) => slot is { } s ? $" (slot {s})" : "";

    private static string WithOutput(string failure, string output) => output.Length > 0 ? $"{failure}: {output}" : failure;

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString(CultureInfo.InvariantCulture);
}
