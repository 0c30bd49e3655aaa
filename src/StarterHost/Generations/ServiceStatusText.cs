using System.Globalization;

namespace StarterHost.Generations;

/// <summary>The STATUS= line for <c>systemctl status</c>: who serves, who starts, who drains, what last went wrong.</summary>
internal static class ServiceStatusText
{
    public static string Describe(GenerationState state)
    {
        var parts = new List<string>();
        if (state.Phase == Phase.Stopping)
        {
            var live = state.LivePids;
            parts.Add(live.IsEmpty ? "stopping" : $"stopping: waiting for {Count(live.Length, "worker")} to exit (pids {Pids(live)})");
        }
        else
        {
            // During a restart the replaced generation is old but still the one serving.
            var serving = state.Current is { } current
                ? [current]
                : state.Old.Where(o => o.Retirement == Retirement.Waiting).Select(o => o.Worker).ToArray();
            foreach (var worker in serving)
                parts.Add($"generation {worker.Generation} (pid {worker.Pid}) serving");
            if (state.Pending is { } pending)
                parts.Add(pending.Failed ? "retrying with a new generation" : $"generation {pending.Generation} starting");
            var draining = state.Old.Where(o => o.Retirement != Retirement.Waiting).Select(o => o.Worker.Pid).ToArray();
            if (draining.Length > 0)
                parts.Add($"{Count(draining.Length, "old worker")} draining (pids {Pids(draining)})");
        }
        if (state.LastFailure is { } failure)
            parts.Add($"last failure: {failure}");
        return string.Join("; ", parts);
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Pids(IEnumerable<int> pids) =>
        string.Join(',', pids.Order().Select(p => p.ToString(CultureInfo.InvariantCulture)));
}
