using System.Globalization;

namespace StarterHost.Readiness;

/// <summary>
/// Who made a notify directory, written into it as its <see cref="FileName"/>: the pid, that process's start
/// time, its pid namespace and the boot. Together they tell a directory left by a StarterHost that has exited
/// (killed, so it could not remove it) from a live instance's, even once the pid has been reused.
/// </summary>
internal sealed record NotifyDirectoryOwner(int Pid, long StartTime, string PidNamespace, string BootId)
{
    public const string FileName = "owner";

    /// <summary>This process, as /proc describes it; null where /proc cannot say (then no directory is judged).</summary>
    public static NotifyDirectoryOwner? OfThisProcess()
    {
        int pid = System.Environment.ProcessId;
        try
        {
            return StartTimeOf(pid) is { } start
                ? new NotifyDirectoryOwner(pid, start, new FileInfo("/proc/self/ns/pid").LinkTarget ?? "", File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim())
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Field 22 of /proc/PID/stat (clock ticks after boot), or null when there is no such process.</summary>
    public static long? StartTimeOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces and ')': count from the last one.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long start) ? start : null;
    }

    public string Compose() => string.Create(CultureInfo.InvariantCulture, $"pid={Pid}\nstart={StartTime}\npidns={PidNamespace}\nboot={BootId}\n");

    /// <summary>The owner a marker names; null when it is not one of ours.</summary>
    public static NotifyDirectoryOwner? Parse(string text)
    {
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        return fields.TryGetValue("pid", out var pid) && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int p)
            && fields.TryGetValue("start", out var start) && long.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out long s)
            && fields.TryGetValue("pidns", out var ns) && fields.TryGetValue("boot", out var boot)
            ? new NotifyDirectoryOwner(p, s, ns, boot)
            : null;
    }

    /// <summary>
    /// Whether the owner has exited, seen by <paramref name="observer"/>: made in an earlier boot, or in this
    /// pid namespace by a process that is gone (or whose pid another process now has). A directory made in
    /// another pid namespace (a container sharing /tmp) cannot be judged from here: it is never called gone.
    /// </summary>
    public bool HasExited(NotifyDirectoryOwner observer, Func<int, long?> startTimeOf) =>
        BootId != observer.BootId
        || (PidNamespace == observer.PidNamespace && startTimeOf(Pid) != StartTime);
}
