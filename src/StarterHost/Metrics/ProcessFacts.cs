using System.Globalization;
using StarterHost.Interop;

namespace StarterHost.Metrics;

/// <summary>
/// StarterHost's own process, as Prometheus's client libraries report theirs (the process_* metrics), from /proc/self:
/// stat for CPU time and resident memory, the fd directory for open descriptors, limits for their maximum.
/// </summary>
/// <param name="MaxFds">The soft RLIMIT_NOFILE; null when unlimited.</param>
internal sealed record ProcessFacts(double CpuSeconds, long ResidentBytes, long OpenFds, long? MaxFds, double StartTimeSeconds)
{
    /// <summary>
    /// USER_HZ, the unit of /proc's times: 100 on every architecture .NET runs Linux on (sysconf(_SC_CLK_TCK) says
    /// the same), and what Prometheus's own procfs library assumes.
    /// </summary>
    internal const int TicksPerSecond = 100;

    // Fixed for the life of the process; /proc/stat (for the boot time) is long to read on a machine with many CPUs.
    private static readonly Lazy<double> SelfStartTime = new(() =>
        StartTime(File.ReadAllText("/proc/self/stat"), File.ReadAllText("/proc/stat")));

    public static ProcessFacts ReadSelf()
    {
        var (cpu, resident) = CpuAndResident(File.ReadAllText("/proc/self/stat"), System.Environment.SystemPageSize);
        return new ProcessFacts(cpu, resident, OpenDescriptors(), MaxOpenFiles(File.ReadAllText("/proc/self/limits")), SelfStartTime.Value);
    }

    /// <summary>
    /// Fields 14 and 15 (utime, stime, in ticks) and 24 (rss, in pages) of a /proc/PID/stat line. The command name, field
    /// 2, may hold spaces and parentheses, so fields are counted from the last ')'.
    /// </summary>
    internal static (double CpuSeconds, long ResidentBytes) CpuAndResident(string stat, long pageSize)
    {
        var fields = FieldsAfterName(stat);
        return ((Field(fields, 14, stat) + Field(fields, 15, stat)) / (double)TicksPerSecond, Field(fields, 24, stat) * pageSize);
    }

    /// <summary>The boot time (btime of /proc/stat, in seconds since the epoch) plus field 22 of /proc/PID/stat (ticks after boot).</summary>
    internal static double StartTime(string stat, string systemStat)
    {
        string? btime = systemStat.Split('\n').FirstOrDefault(line => line.StartsWith("btime ", StringComparison.Ordinal));
        if (btime is null || !long.TryParse(btime.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long boot))
            throw new FormatException("no btime line in /proc/stat");
        return boot + Field(FieldsAfterName(stat), 22, stat) / (double)TicksPerSecond;
    }

    /// <summary>The soft limit of the "Max open files" line of /proc/PID/limits; null when unlimited.</summary>
    internal static long? MaxOpenFiles(string limits)
    {
        string? line = limits.Split('\n').FirstOrDefault(l => l.StartsWith("Max open files ", StringComparison.Ordinal));
        string[] values = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (values is ["unlimited", ..])
            return null;
        return values.Length > 0 && long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out long soft)
            ? soft
            : throw new FormatException($"no \"Max open files\" limit in /proc/self/limits");
    }

    /// <summary>The entries of /proc/self/fd, less the one the listing itself holds open while it reads.</summary>
    private static long OpenDescriptors() => Posix.CountEntries("/proc/self/fd") - 1;

    private static string[] FieldsAfterName(string stat)
    {
        int end = stat.LastIndexOf(')');
        return end < 0 ? [] : stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Field <paramref name="number"/> (1-based, as proc(5) numbers them) of a stat line; fields[0] is field 3.</summary>
    private static long Field(string[] fields, int number, string stat) =>
        fields.Length > number - 3 && long.TryParse(fields[number - 3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new FormatException($"not a /proc/PID/stat line: \"{stat.TrimEnd()}\"");
}
