using StarterHost.Generations;
using StarterHost.Supervision;
using StarterHost.Upgrade;
using StarterHost.Workers;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// Upgrading in place without an exec: the check is a child the test makes exit (<see cref="CheckPid"/>), and the exec
/// records the handoff, through its JSON as the new image reads it, then returns as a failed exec does.
/// </summary>
internal sealed class FakeUpgrader : IUpgrader
{
    public const int CheckPid = 4343;

    /// <summary>The attempts whose check was started.</summary>
    public List<int> Checks { get; } = [];

    /// <summary>What each exec handed over.</summary>
    public List<UpgradeHandoff> Execs { get; } = [];

    /// <summary>What a waiting --upgrade client was told.</summary>
    public List<(int Attempt, bool Succeeded, string Text)> Reports { get; } = [];

    /// <summary>Called at the exec with what it hands over: what the test looks at in that moment.</summary>
    public Action<UpgradeHandoff>? OnExec { get; set; }

    public const string ExecFailure = "test: no exec here";

    public void StartCheck(int attempt, StateSnapshot state, CarriedTimeline? timeline, CarriedDurations durations)
    {
        Checks.Add(attempt);
        CheckedTimelines.Add(timeline);
    }

    /// <summary>What each check was given of the times the exec would carry.</summary>
    public List<CarriedTimeline?> CheckedTimelines { get; } = [];

    public void StopCheck(int attempt)
    {
    }

    /// <summary>The check passes when it exits 0.</summary>
    public UpgradeCheckFinished? CheckFinished(int pid, WaitStatus status) =>
        pid != CheckPid ? null
        : status.Exited && status.ExitCode == 0 ? new UpgradeCheckFinished(Checks[^1], "2.0.0", null)
        : new UpgradeCheckFinished(Checks[^1], null, "test: check failed");

    public string Exec(int attempt, string version, StateSnapshot state, IReadOnlyList<int> signals, CarriedTimeline? timeline, CarriedDurations durations)
    {
        var handoff = new UpgradeHandoff(state, attempt, version, new CarriedImage("/usr/bin/starterhost", 1, [], []),
            [.. state.State.Roster.LivePids.Select(pid => new CarriedWorker(pid, 1))], [.. signals], null, [], null, [], DateTime.UnixEpoch, timeline, durations);
        handoff = UpgradeHandoff.FromJson(StateSnapshot.CurrentSchema, handoff.ToJson());
        Execs.Add(handoff);
        OnExec?.Invoke(handoff);
        return ExecFailure;
    }

    public void Report(int attempt, bool succeeded, string text) => Reports.Add((attempt, succeeded, text));
}
