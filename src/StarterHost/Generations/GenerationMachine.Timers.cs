using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// Timers that outlive their subject. Each handler already ignores a timer whose worker is gone, but an armed timer
/// costs memory until it is due: at 50 restarts a second, every old worker's drain deadline would stay armed for the
/// whole --drain-timeout. So the machine says when it forgets a worker, and the supervisor disarms what was about it.
/// </summary>
internal static partial class GenerationMachine
{
    /// <summary>
    /// Every pid the state knew before an event and does not know after it is forgotten (<see cref="ForgetWorker"/>).
    /// Said here, once for every handler, and not where a worker is removed: a worker reaped within its --interval is
    /// still awaited (its interval timer decides when to retry), and a signalled worker's drain deadline still covers
    /// the process group it left.
    /// </summary>
    private static void ForgetGone(GenerationState before, GenerationState after, ImmutableArray<StarterCommand>.Builder commands)
    {
        // Most events leave the workers as they were: nothing to compare then.
        if (ReferenceEquals(before.Roster, after.Roster))
            return;
        var known = Known(after.Roster);
        foreach (int pid in Known(before.Roster))
        {
            if (!known.Contains(pid))
                commands.Add(new ForgetWorker(pid));
        }
    }

    /// <summary>The pids a timer about a worker could still act on: live workers, leftover groups, a death whose interval is awaited.</summary>
    private static HashSet<int> Known(Roster roster)
    {
        var known = new HashSet<int>(roster.LivePids);
        foreach (var leftover in roster.Leftovers)
            known.Add(leftover.Pgid);
        if (roster.Pending is { AwaitsIntervalOf: > 0 and var pid })
            known.Add(pid);
        return known;
    }

    private static GenerationState OnLogReopenRequested(GenerationState state, ImmutableArray<StarterCommand>.Builder commands)
    {
        commands.Add(new ReopenLog());
        return state;
    }
}
