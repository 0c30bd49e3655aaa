using System.Globalization;
using StarterHost.Generations;
using StarterHost.Status;

namespace StarterHost.Systemd;

/// <summary>
/// The words of the STATUS= line for <c>systemctl status</c>, from what the machine says it shows
/// (<see cref="ServiceStatus"/>): "generation 4 (pid 1234) serving; 1 old worker draining (pids 1200)".
/// </summary>
internal static class ServiceStatusText
{
    public static string Describe(ServiceStatus status) => string.Join("; ", status.Parts.Select(Describe));

    private static string Describe(ServiceStatus.Part part) => part switch
    {
        ServiceStatus.Stopping { Waiting: false } => "stopping",
        ServiceStatus.Stopping s => $"stopping: waiting for {Count(s.Pids.Length, "worker")} to exit (pids {Pids(s.Pids)})",
        ServiceStatus.Serving s => $"generation {s.Generation} (pid {s.Pid}) serving{Said(s.Said)}",
        ServiceStatus.NoneServing => "no generation serving",
        ServiceStatus.ReplacementStarting r => $"its replacement (pid {r.Pid}) starting",
        ServiceStatus.Starting s => $"generation {s.Generation} starting{Said(s.Said)}",
        ServiceStatus.Retrying r => Retrying(r),
        ServiceStatus.Draining d => $"{Count(d.Pids.Length, "old worker")} draining (pids {Pids(d.Pids)})",
        ServiceStatus.PoolReady p => $"generation {p.Generation}: {p.Ready}/{p.Workers} ready",
        ServiceStatus.PoolStarting p => $"generation {p.Generation} starting: {p.Ready}/{p.Workers} ready",
        ServiceStatus.OldGeneration o =>
            $"generation {o.Generation}: {string.Join(", ", new[] { o.Serving > 0 ? $"{o.Serving} serving" : null, o.Draining > 0 ? $"{o.Draining} draining" : null }.OfType<string>())}",
        ServiceStatus.Resized r => $"{Count(r.Workers, "worker")} per generation (resized from --workers {r.Configured})",
        ServiceStatus.Leftovers l => $"{Count(l.Pgids.Length, "leftover process group")} of exited workers (pgids {Pids(l.Pgids)})",
        ServiceStatus.StatusFileNotWritten s => $"status file not written: {s.Reason}",
        ServiceStatus.LastFailure f => $"last failure: {FailureDescription.Of(f.Failure)}",
        ServiceStatus.Upgrading { Version: null } => "upgrading: checking the new file",
        ServiceStatus.Upgrading u => $"upgrading to {u.Version}",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "unknown part of STATUS="),
    };

    private static string Retrying(ServiceStatus.Retrying retrying)
    {
        string failures = retrying.InARow > 1 ? $" ({retrying.InARow} failed starts in a row)" : "";
        return retrying.In is { } delay
            ? $"retrying with a new generation in {delay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s{failures}"
            : $"retrying with a new generation{failures}";
    }

    /// <summary>The worker's own STATUS= (notify readiness), after a colon.</summary>
    private static string Said(string? said) => said is null ? "" : $": {said}";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Pids(IEnumerable<int> pids) =>
        string.Join(',', pids.Order().Select(p => p.ToString(CultureInfo.InvariantCulture)));
}
