using System.Globalization;

namespace StarterHost.Workers;

/// <summary>A worker's resident memory, from the VmRSS line of /proc/PID/status (what --max-worker-rss limits).</summary>
internal static class ResidentMemoryReader
{
    /// <summary>Bytes, or null when the process is gone or has no memory left to report (a zombie).</summary>
    public static long? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (IOException)
        {
            // Gone (ENOENT), or gone while being read (ESRCH): nothing to limit.
            return null;
        }
        return Parse(text);
    }

    /// <summary>"VmRSS:     1234 kB" (the kernel's kB are KiB) in bytes; null without such a line.</summary>
    public static long? Parse(string status)
    {
        foreach (string line in status.Split('\n'))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                continue;
            string[] fields = line["VmRSS:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            return fields is [var number, "kB"] && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long kib)
                ? kib * 1024
                : null;
        }
        return null;
    }
}
