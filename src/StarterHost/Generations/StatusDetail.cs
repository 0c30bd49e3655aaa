using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>Where a live worker process is, as <c>--status-json</c> names it.</summary>
internal enum ProcessState
{
    /// <summary>Spawned; its --interval or --start-timeout runs.</summary>
    Starting,

    /// <summary>Started, in a generation that has not yet started whole (a pool waits for its other members).</summary>
    Ready,

    /// <summary>Serves: the current generation, or an old one not yet signalled (its successor starts, or the kill-old-delay runs).</summary>
    Serving,

    /// <summary>Signalled to go (--signal-on-hup, --signal-on-term, or a stop); the drain deadline runs.</summary>
    Draining,

    /// <summary>Still alive at its drain deadline: its process group was sent SIGKILL.</summary>
    Killed,
}

/// <summary>A live worker process and where it is.</summary>
internal sealed record ProcessStatus(Worker Worker, ProcessState State);

/// <summary>
/// What <c>--status-json</c> says beyond the status file, from the machine's knowledge alone: every live worker
/// and its state, the counters and the last failure. The times are not the machine's (it has no clock): the
/// supervisor stamps them as it carries out and observes what happens (Supervision/WorkerTimeline).
/// </summary>
/// <param name="Restarts">Restarts begun: a HUP (after its check passed) or an auto-restart.</param>
/// <param name="Failures">Failed starts, crashes and refused checks, since StarterHost started.</param>
/// <param name="ConsecutiveFailures">Failures in a row, what the backoff grows with; 0 once a generation has served a second.</param>
/// <param name="Workers">Workers per generation now (TTIN and TTOU change it); <paramref name="ConfiguredWorkers"/>: what --workers said.</param>
internal sealed record StatusDetail(
    ImmutableArray<ProcessStatus> Processes, bool Stopping, int Restarts, int Failures, int ConsecutiveFailures, Failure? LastFailure,
    int Workers = 1, int ConfiguredWorkers = 1, int Upgrades = 0)
{
    public static StatusDetail Of(GenerationState state)
    {
        var processes = state.Roster.Old.Select(o => new ProcessStatus(o.Worker, o.Retirement switch
            {
                Retirement.Signalled => ProcessState.Draining,
                Retirement.Killed => ProcessState.Killed,
                // Not signalled yet: its successor starts, or the kill-old-delay runs.
                _ => ProcessState.Serving,
            }))
            .Concat(state.Roster.Current?.Serving.Select(m => new ProcessStatus(m.Worker, ProcessState.Serving)) ?? [])
            .Concat(state.Roster.Current?.Replacements.Where(m => m.Pid > 0).Select(Starting) ?? [])
            .Concat(state.Roster.Pending is { Failed: false } pending ? pending.Members.Where(m => m.Pid > 0).Select(Starting) : []);
        // A stop signals every worker at once without retiring them one by one: each is on its way out.
        if (state.Stopping)
            processes = processes.Select(p => p.State == ProcessState.Killed ? p
                : p with { State = state.Stop!.DeadlinePassed ? ProcessState.Killed : ProcessState.Draining });
        return new StatusDetail(
            [.. processes.OrderBy(p => p.Worker.Generation).ThenBy(p => p.Worker.Slot).ThenBy(p => p.Worker.Pid)],
            state.Stopping, state.Counters.Restarts, state.Counters.Failures, state.Failures.Consecutive, state.Failures.Last,
            state.WorkerCount, state.Settings.Workers, state.Counters.Upgrades);
    }

    private static ProcessStatus Starting(Member member) =>
        new(member.Worker, member.Phase == MemberPhase.Ready ? ProcessState.Ready : ProcessState.Starting);

    // ImmutableArray compares by reference; two details are equal when they read the same.
    public bool Equals(StatusDetail? other) =>
        other is not null && Processes.SequenceEqual(other.Processes) && Stopping == other.Stopping && Restarts == other.Restarts
        && Failures == other.Failures && ConsecutiveFailures == other.ConsecutiveFailures && Equals(LastFailure, other.LastFailure)
        && Workers == other.Workers && ConfiguredWorkers == other.ConfiguredWorkers && Upgrades == other.Upgrades;

    public override int GetHashCode() => HashCode.Combine(Processes.Length, Restarts, Failures);
}
