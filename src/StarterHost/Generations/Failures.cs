using System.Text.Json.Serialization;
using StarterHost.Workers;

namespace StarterHost.Generations;

// What went wrong, as data compared by value: the machine folds repeats and decides on these; the words an
// operator reads (log lines, the .failure file, --status-json, STATUS=) are built from them at the edge
// (Status/FailureDescription). Each crosses an exec in the state (StateSnapshot) under the name given
// here, which must never change meaning.

/// <summary>
/// How a start went wrong, without a pid or a generation: two failures in a row went wrong the same way when
/// their kinds are equal, and the repeats are not logged one by one. A starting generation and a replacement
/// in a slot of the serving one fail the same way with the same kind.
/// </summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(NotSpawned), "not-spawned")]
[JsonDerivedType(typeof(ExitedEarly), "exited-early")]
[JsonDerivedType(typeof(NotReady), "not-ready")]
[JsonDerivedType(typeof(DiedUnexpectedly), "died-unexpectedly")]
[JsonDerivedType(typeof(Hung), "hung")]
internal abstract record FailureKind;

/// <summary>The worker could not be spawned, or its exec failed: the OS's <paramref name="Reason"/>.</summary>
internal sealed record NotSpawned(string Reason) : FailureKind;

/// <summary>The new worker exited before it counted as started: within its interval, or before READY=1.</summary>
internal sealed record ExitedEarly(WaitStatus Status, ReadinessMode Readiness) : FailureKind;

/// <summary>Notify readiness: no READY=1 within <paramref name="Timeout"/>.</summary>
internal sealed record NotReady(TimeSpan Timeout) : FailureKind;

/// <summary>A worker that had started died.</summary>
internal sealed record DiedUnexpectedly(WaitStatus Status) : FailureKind;

/// <summary>
/// A started worker sent no WATCHDOG=1 for <paramref name="Silent"/> (<c>--worker-watchdog</c>), or, with no
/// <paramref name="Silent"/>, sent WATCHDOG=trigger: it is replaced, and sent the watchdog signal.
/// </summary>
internal sealed record Hung(TimeSpan? Silent) : FailureKind;

/// <summary>The last thing that went wrong that an operator should hear about.</summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(AttemptFailed), "attempt-failed")]
[JsonDerivedType(typeof(WorkerFailed), "worker-failed")]
[JsonDerivedType(typeof(RestartRetrying), "restart-retrying")]
[JsonDerivedType(typeof(RestartAbandonedAfter), "restart-abandoned")]
[JsonDerivedType(typeof(RestartRefused), "restart-refused")]
internal abstract record Failure;

/// <summary>
/// The attempt to start <paramref name="Generation"/> failed as <paramref name="Kind"/> says; an exit names the
/// worker that failed it (<paramref name="Pid"/>, and its <paramref name="Slot"/> when a generation has more than one).
/// </summary>
internal sealed record AttemptFailed(int Generation, FailureKind Kind, int Pid = 0, int? Slot = null) : Failure;

/// <summary>
/// A worker of the serving generation (<paramref name="Pid"/>, 0 when it could not be spawned) in
/// <paramref name="Slot"/> (named when a generation has more than one) failed as <paramref name="Kind"/> says:
/// it died, or it was a replacement that failed to start.
/// </summary>
internal sealed record WorkerFailed(int Generation, FailureKind Kind, int Pid = 0, int? Slot = null) : Failure;

/// <summary>A requested restart's attempt failed while <paramref name="ServingGeneration"/> serves on: it is retried.</summary>
internal sealed record RestartRetrying(AttemptFailed Attempt, int ServingGeneration) : Failure;

/// <summary>
/// After <paramref name="Failures"/> failed starts in a row (--max-start-failures), a requested restart was given
/// up until the next HUP; <paramref name="ServingGeneration"/> serves on.
/// </summary>
internal sealed record RestartAbandonedAfter(int Failures, int ServingGeneration, AttemptFailed Last) : Failure;

/// <summary>The check command refused a requested restart; <paramref name="ServingGeneration"/> serves on, if any does.</summary>
internal sealed record RestartRefused(CheckFailure Check, int? ServingGeneration) : Failure;

/// <summary>Why the check command (--check-command) refused a restart.</summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(CheckNotRun), "not-run")]
[JsonDerivedType(typeof(CheckTooSlow), "too-slow")]
[JsonDerivedType(typeof(CheckExited), "exited")]
internal abstract record CheckFailure;

/// <summary>The check command could not be run: the OS's <paramref name="Reason"/>.</summary>
internal sealed record CheckNotRun(string Reason) : CheckFailure;

/// <summary>The check command ran past <paramref name="Limit"/> and was killed; <paramref name="Output"/>: the end of what it wrote.</summary>
internal sealed record CheckTooSlow(TimeSpan Limit, string Output) : CheckFailure;

/// <summary>The check command exited with <paramref name="Status"/>, not 0; <paramref name="Output"/>: the end of what it wrote.</summary>
internal sealed record CheckExited(WaitStatus Status, string Output) : CheckFailure;

/// <summary>A requested restart whose new generation failed to start (or was refused), as the restart client reads it.</summary>
internal sealed record RestartFailure(int Generation, Failure Reason);
