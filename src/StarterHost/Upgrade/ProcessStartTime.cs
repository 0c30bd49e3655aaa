using System.Globalization;

namespace StarterHost.Upgrade;

/// <summary>
/// When a process started, in clock ticks after boot (field 22 of /proc/PID/stat). A pid and its start time name one
/// process for good: a pid the kernel has given to another process since has another start time. The new image of
/// an upgrade checks with it that a worker it adopts is the one the old image recorded, not a stranger with its pid.
/// </summary>
internal static class ProcessStartTime
{
    /// <summary>The start time of <paramref name="pid"/> (running or a zombie), or null when no such process exists.</summary>
    public static ulong? Of(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            // ESRCH: the process was reaped between the open and the read.
            return null;
        }
        return Parse(stat);
    }

    /// <summary>True while <paramref name="pid"/> is the process that started at <paramref name="startTime"/>.</summary>
    public static bool IsStill(int pid, ulong startTime) => Of(pid) == startTime;

    /// <summary>
    /// Field 22 of a /proc/PID/stat line. Field 2, the command name in parentheses, may hold spaces and parentheses
    /// (a program names itself what it likes), so the fields are counted from the last ')', after which none can occur.
    /// </summary>
    internal static ulong Parse(string stat)
    {
        int end = stat.LastIndexOf(')');
        string[] fields = end < 0 ? [] : stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        if (fields.Length < 20 || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong startTime))
            throw new FormatException($"not a /proc/PID/stat line: \"{stat.TrimEnd()}\"");
        return startTime;
    }
}
