using System.Text.Json.Serialization;

namespace StarterHost.Status;

/// <summary>
/// The <c>--status-json</c> file, as docs/status.schema.json describes it. Times are UTC. Written and read
/// through <see cref="StatusJsonContext"/>: source-generated, no reflection (NativeAOT, trimming).
/// </summary>
/// <param name="Format">The version of this layout: a consumer that finds a newer one should not guess.</param>
/// <param name="WrittenAt">When StarterHost wrote this: the time of the last change.</param>
/// <param name="Phase">"running", or "stopping" once StarterHost got TERM or INT.</param>
/// <param name="RestartFailure">What the status file's <c>.failure</c> companion says: a requested restart that failed.</param>
/// <param name="Workers">Workers per generation; always written, null only in a file an older StarterHost wrote.</param>
internal sealed record StatusReport(
    int Format,
    HostReport Starterhost,
    DateTime WrittenAt,
    string Phase,
    int Restarts,
    int Failures,
    int ConsecutiveFailures,
    FailureReport? LastFailure,
    RestartFailureReport? RestartFailure,
    IReadOnlyList<ProcessReport> Processes,
    WorkersReport? Workers = null)
{
    public const int CurrentFormat = 1;
}

/// <summary>Workers per generation: what --workers said, and what TTIN and TTOU made of it.</summary>
internal sealed record WorkersReport(int Configured, int Current);

/// <summary>
/// StarterHost itself: <paramref name="Version"/> and <paramref name="ImageStartedAt"/> are the running image's (an upgrade
/// in place changes both, not the pid), <paramref name="Upgrades"/> the upgrades in place this process has completed.
/// </summary>
internal sealed record HostReport(int Pid, string Version, DateTime ImageStartedAt, int Upgrades = 0);

/// <summary>
/// A live worker process. <paramref name="SignalledAt"/> and <paramref name="Signal"/>: the first signal
/// StarterHost sent it (what began its drain). <paramref name="LastExit"/>: the last worker of this slot to exit.
/// </summary>
internal sealed record ProcessReport(
    int Generation,
    int Slot,
    int Pid,
    string State,
    DateTime StartedAt,
    DateTime? ReadyAt,
    DateTime? SignalledAt,
    string? Signal,
    ExitReport? LastExit);

/// <summary>A worker that exited: its raw wait status as start_server logs it, and what that means.</summary>
internal sealed record ExitReport(int Pid, int Generation, int Status, int? ExitCode, string? Signal, DateTime At);

/// <summary>The last failure, and when StarterHost saw it.</summary>
internal sealed record FailureReport(string Reason, DateTime At);

internal sealed record RestartFailureReport(int Generation, string Reason);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
