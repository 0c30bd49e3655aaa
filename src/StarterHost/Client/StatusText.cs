using System.Globalization;
using StarterHost.Status;

namespace StarterHost.Client;

/// <summary>
/// A <c>--status-json</c> report for a human: a headline, one line per worker process, the counters and
/// what last went wrong. Ages are counted back from <c>now</c>.
/// </summary>
internal static class StatusText
{
    /// <summary>The service serves: StarterHost runs (not stopping) and at least one worker serves.</summary>
    public static bool IsServing(StatusReport report) =>
        report.Phase == "running" && report.Processes.Any(p => p.State == "serving");

    public static IEnumerable<string> Describe(StatusReport report, DateTime now)
    {
        yield return $"starterhost {report.Starterhost.Version} (pid {report.Starterhost.Pid}): {Headline(report)}";
        foreach (var process in report.Processes)
            yield return "  " + Describe(process, now);
        string failures = report.ConsecutiveFailures > 0 ? $" ({report.ConsecutiveFailures} in a row)" : "";
        if (report.Workers is { } workers && workers.Current != workers.Configured)
            yield return $"workers per generation: {workers.Current} (TTIN/TTOU; --workers {workers.Configured})";
        yield return $"restarts: {report.Restarts}, failures: {report.Failures}{failures}";
        if (report.LastFailure is { } last)
            yield return $"last failure, {Ago(last.At, now)}: {last.Reason}";
        if (report.RestartFailure is { } restart)
            yield return $"restart to generation {restart.Generation} failed: {restart.Reason}";
    }

    private static string Headline(StatusReport report)
    {
        if (report.Phase != "running")
            return $"{report.Phase}, {Count(report.Processes.Count, "worker")} left";
        var serving = report.Processes.Where(p => p.State == "serving").ToList();
        var starting = report.Processes.Where(p => p.State is "starting" or "ready").ToList();
        string? next = starting.Count == 0 ? null
            : $"generation {starting.Max(p => p.Generation)} starting ({starting.Count(p => p.State == "ready")}/{starting.Count} ready)";
        if (serving.Count == 0)
            return "not serving" + (next is null ? "" : $": {next}");
        var generations = serving.Select(p => p.Generation).Distinct().Order().Select(g => g.ToString(CultureInfo.InvariantCulture)).ToList();
        // Two while an old generation serves out the --kill-old-delay.
        string which = generations.Count == 1 ? $"generation {generations[0]}" : $"generations {string.Join(" and ", generations)}";
        return $"serving, {which} ({Count(serving.Count, "worker")})" + (next is null ? "" : $"; {next}");
    }

    private static string Describe(ProcessReport p, DateTime now)
    {
        string line = $"generation {p.Generation} slot {p.Slot} pid {p.Pid}: {p.State}";
        line += p.SignalledAt is { } signalled
            ? $", sent {p.Signal} {Ago(signalled, now)}"
            : p.ReadyAt is { } ready
                ? $" for {Duration(now - ready)} (started in {Duration(ready - p.StartedAt)})"
                : $" for {Duration(now - p.StartedAt)}";
        if (p.LastExit is { } exit)
            line += $"; last exit in slot {p.Slot}: pid {exit.Pid} (generation {exit.Generation}) {HowItEnded(exit)}, {Ago(exit.At, now)}";
        return line;
    }

    private static string HowItEnded(ExitReport exit) =>
        exit.Signal is { } signal ? $"killed by SIG{signal}" : $"exit code {exit.ExitCode}";

    private static string Ago(DateTime at, DateTime now) => $"{Duration(now - at)} ago";

    /// <summary>Two units at most: "0.3 s", "12 s", "3 min 12 s", "2 h 3 min", "4 d 2 h".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
            span = TimeSpan.Zero;
        if (span < TimeSpan.FromSeconds(10))
            return $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
        if (span < TimeSpan.FromMinutes(1))
            return $"{span.Seconds} s";
        if (span < TimeSpan.FromHours(1))
            return $"{span.Minutes} min {span.Seconds} s";
        if (span < TimeSpan.FromDays(1))
            return $"{span.Hours} h {span.Minutes} min";
        return $"{span.Days} d {span.Hours} h";
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
