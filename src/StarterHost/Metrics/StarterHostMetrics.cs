using StarterHost.Generations;
using StarterHost.Supervision;

namespace StarterHost.Metrics;

/// <summary>
/// What a scrape and the meter show, read from the machine's state (published whole after each event), the durations
/// the supervisor stamped (<see cref="MetricsTimeline"/>), and what is read at the moment it is asked: each listener's
/// accept queue, each slot's resident memory. It decides nothing: every count is the machine's.
/// </summary>
/// <param name="state">The machine's state after its last event.</param>
/// <param name="listeners">Each listener's SERVER_STARTER_PORT key and StarterHost's fd for it.</param>
/// <param name="residentMemory">A worker's resident memory in bytes, or null once it is gone.</param>
internal sealed class StarterHostMetrics(
    Func<GenerationState> state,
    MetricsTimeline timeline,
    IReadOnlyList<(string Listener, int Fd)> listeners,
    Func<int, long?> residentMemory,
    string version)
{
    public MetricsSnapshot Snapshot()
    {
        var now = state();
        var counters = now.Counters;
        var exits = counters.Exits;
        return new MetricsSnapshot(
            version,
            MetricsTimeline.ServingGeneration(now),
            Workers(now),
            now.Settings.Workers,
            counters.Restarts,
            counters.FailedStarts,
            new WorkerExitCounts(exits.Exited, exits.Crashed, exits.KilledAtDeadline, exits.Recycled, exits.Watchdog),
            timeline.Handover.Snapshot(),
            timeline.Drain.Snapshot(),
            ListenQueues.Read(listeners),
            ResidentMemory(now),
            counters.Upgrades);
    }

    /// <summary>A scrape's body: the snapshot and this process's own facts.</summary>
    public byte[] Exposition() => ExpositionWriter.Write(Snapshot(), ProcessFacts.ReadSelf());

    private static WorkerCounts Workers(GenerationState state)
    {
        int starting = 0, serving = 0, draining = 0;
        foreach (var process in StatusDetail.Of(state).Processes)
        {
            switch (process.State)
            {
                case ProcessState.Starting or ProcessState.Ready:
                    starting++;
                    break;
                case ProcessState.Serving:
                    serving++;
                    break;
                default:
                    draining++;
                    break;
            }
        }
        return new WorkerCounts(starting, serving, draining, state.Roster.Leftovers.Count);
    }

    /// <summary>The serving worker of each slot of the current generation, by slot: never by pid, whose series would grow without bound.</summary>
    private List<SlotMemory> ResidentMemory(GenerationState state)
    {
        var memory = new List<SlotMemory>();
        foreach (var member in state.Roster.Current?.Serving ?? [])
        {
            if (residentMemory(member.Pid) is { } bytes)
                memory.Add(new SlotMemory(member.Slot, bytes));
        }
        return memory;
    }
}
