using StarterHost.Generations;
using StarterHost.Upgrade;
using StarterHost.Workers;

namespace StarterHost.Supervision;

/// <summary>
/// The supervisor's way to upgrade StarterHost itself in place: the new file's preflight, the exec with the state
/// handed over, and the word to a waiting <c>--upgrade</c> client. <see cref="Upgrade.InPlaceUpgrade"/> is the real
/// one; tests record what they are asked.
/// </summary>
internal interface IUpgrader
{
    /// <summary>
    /// Runs the new file's <c>--upgrade-check</c> with this state, and the times the exec would hand over too, so that
    /// the check reads what a restore would. Throws when it cannot be executed at all.
    /// </summary>
    void StartCheck(int attempt, StateSnapshot state, CarriedTimeline? timeline, CarriedDurations durations);

    void StopCheck(int attempt);

    /// <summary>The check's result when <paramref name="pid"/> was the check, else null.</summary>
    UpgradeCheckFinished? CheckFinished(int pid, WaitStatus status);

    /// <summary>
    /// Hands the state over (and the times the effect layer stamped: with --status-json its timeline, and the metrics'
    /// durations) and execs the new file: returns only when the exec failed, and says why.
    /// </summary>
    string Exec(int attempt, string version, StateSnapshot state, IReadOnlyList<int> signals, CarriedTimeline? timeline, CarriedDurations durations);

    void Report(int attempt, bool succeeded, string text);
}
