using System.Globalization;

namespace StarterHost.Generations;

/// <summary>The STATUS= line for <c>systemctl status</c>: who serves, who starts, who drains, what last went wrong.</summary>
internal static class ServiceStatusText
{
    public static string Describe(GenerationState state)
    {
        var parts = new List<string>();
        if (state.Stopping)
        {
            var live = state.Roster.LivePids;
            parts.Add(state.Roster.AnythingAlive ? $"stopping: waiting for {Count(live.Length, "worker")} to exit (pids {Pids(live)})" : "stopping");
        }
        else if (state.Settings.Workers == 1)
            DescribeWorker(state, parts);
        else
            DescribePool(state, parts);
        if (!state.Roster.Leftovers.IsEmpty)
            parts.Add($"{Count(state.Roster.Leftovers.Count, "leftover process group")} of exited workers (pgids {Pids(state.Roster.Leftovers.Select(l => l.Pgid))})");
        if (state.Publication.StatusProblem is { } problem)
            parts.Add($"status file not written: {problem}");
        if (state.Failures.Last is { } failure && FailureStillCurrent(state))
            parts.Add($"last failure: {Status.FailureDescription.Of(failure)}");
        return string.Join("; ", parts);
    }

    /// <summary>
    /// STATUS= says what is the case now, and a failure stops being the case once a generation (or a slot's
    /// replacement) started after it has served a second: then the failures in a row are forgotten, and an
    /// accepted generation has cleared the restart's failure. A given-up restart stays until the next
    /// generation is accepted, a refused check until then or the next check. The machine has no clock to say
    /// "5 min ago"; the journal and --status-json (lastFailure, with its time) keep the history.
    /// </summary>
    private static bool FailureStillCurrent(GenerationState state) =>
        state.Failures.Consecutive > 0 || state.Failures.RestartFailure is not null;

    /// <summary>One worker per generation: each named by its pid.</summary>
    private static void DescribeWorker(GenerationState state, List<string> parts)
    {
        // During a restart the replaced generation is old but still the one serving.
        var serving = state.Roster.Current is not null
            ? state.Roster.CurrentWorkers.ToArray()
            : state.Roster.OldStillServing.Select(o => o.Worker).ToArray();
        foreach (var worker in serving)
            parts.Add($"generation {worker.Generation} (pid {worker.Pid}) serving{Said(state, worker.Pid)}");
        if (serving.Length == 0)
            parts.Add("no generation serving");
        foreach (var replacement in state.Roster.Current?.Replacements.Where(m => m.Pid > 0) ?? [])
            parts.Add($"its replacement (pid {replacement.Pid}) starting");
        if (state.Roster.Pending is { } pending)
            parts.Add(pending.Failed ? Retrying(state) : $"generation {pending.Generation} starting{Said(state, pending.Members[0].Pid)}");
        else if (state.Roster.Respawn is not null)
            parts.Add(Retrying(state));
        var draining = state.Roster.Old.Where(o => o.Retirement != Retirement.Waiting).Select(o => o.Worker.Pid).ToArray();
        if (draining.Length > 0)
            parts.Add($"{Count(draining.Length, "old worker")} draining (pids {Pids(draining)})");
    }

    /// <summary>A pool: counts by generation, as "generation 4: 8/8 ready; generation 3: 2 draining".</summary>
    private static void DescribePool(GenerationState state, List<string> parts)
    {
        int workers = state.Settings.Workers;
        if (state.Roster.Current is null && !state.Roster.OldStillServing.Any())
            parts.Add("no generation serving");
        if (state.Roster.Current is { } current)
            parts.Add($"generation {current.Generation}: {current.Serving.Count()}/{workers} ready");
        if (state.Roster.Pending is { } pending)
            parts.Add(pending.Failed ? Retrying(state)
                : $"generation {pending.Generation} starting: {pending.Members.Count(m => m.Phase == MemberPhase.Ready)}/{workers} ready");
        else if (state.Roster.Respawn is not null)
            parts.Add(Retrying(state));
        foreach (var old in state.Roster.Old.GroupBy(o => o.Worker.Generation).OrderByDescending(g => g.Key))
        {
            int serving = old.Count(o => o.Retirement == Retirement.Waiting);
            int draining = old.Count() - serving;
            string[] counts = [.. new[] { serving > 0 ? $"{serving} serving" : null, draining > 0 ? $"{draining} draining" : null }.OfType<string>()];
            parts.Add($"generation {old.Key}: {string.Join(", ", counts)}");
        }
    }

    private static string Retrying(GenerationState state)
    {
        string failures = state.Failures.Consecutive > 1 ? $" ({state.Failures.Consecutive} failed starts in a row)" : "";
        return state.Failures.NextAttemptIn is { } delay
            ? $"retrying with a new generation in {delay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s{failures}"
            : $"retrying with a new generation{failures}";
    }

    /// <summary>The worker's own STATUS= (notify readiness), after a colon.</summary>
    private static string Said(GenerationState state, int pid) =>
        state.Publication.WorkerStatus.TryGetValue(pid, out var text) ? $": {text}" : "";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Pids(IEnumerable<int> pids) =>
        string.Join(',', pids.Order().Select(p => p.ToString(CultureInfo.InvariantCulture)));
}
