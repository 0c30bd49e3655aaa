using System.Globalization;

namespace StarterHost.Tests.Support;

/// <summary>What this host offers a container: whether one can boot, its cgroup hierarchies, and what earlier runs left.</summary>
internal sealed partial class SystemdContainer
{
    /// <summary>Why no container can be booted here, or null when one can.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    /// <summary>The cgroup hierarchies the container gets a cgroup in, the cgroup2 one first; null when the layout is unusable.</summary>
    private static string[]? Hierarchies()
    {
        var types = File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(" - ", 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0].Split(' ')[4])
            .ToDictionary(g => g.Key, g => g.Last()[1].Split(' ')[0] + " " + g.Last()[1].Split(' ')[2]);
        string? Type(string mountPoint) => types.TryGetValue(mountPoint, out var type) ? type : null;
        // Hybrid (this machine's kind): the name=systemd hierarchy and a cgroup2 one beside it.
        if (Type("/sys/fs/cgroup/unified")?.StartsWith("cgroup2 ", StringComparison.Ordinal) == true
            && Type(NamedHierarchy)?.Contains("name=systemd", StringComparison.Ordinal) == true)
            return ["/sys/fs/cgroup/unified", NamedHierarchy];
        // Unified: cgroup2 alone.
        if (Type("/sys/fs/cgroup")?.StartsWith("cgroup2 ", StringComparison.Ordinal) == true)
            return ["/sys/fs/cgroup"];
        return null;
    }

    private static string? FindUnavailable()
    {
        if (StarterHost.Interop.PosixAccounts.EffectiveUid != 0)
            return "needs root (mounts, cgroups and systemd-nspawn)";
        if (!File.Exists("/usr/bin/systemd-nspawn"))
            return "systemd-nspawn is not installed (apt-get install --no-install-recommends systemd-container; .ci/run does)";
        if (Hierarchies() is null)
            return "no usable cgroup layout: neither cgroup2 with name=systemd beside it (/sys/fs/cgroup/unified, /sys/fs/cgroup/systemd) nor cgroup2 at /sys/fs/cgroup";
        // CAP_SYS_ADMIN (bit 21): mounts and namespaces; without it (an unprivileged container) nspawn cannot run.
        string? capabilities = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        if (capabilities is null || (ulong.Parse(capabilities[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << 21)) == 0)
            return "no CAP_SYS_ADMIN: cannot mount or create namespaces here";
        return null;
    }

    /// <summary>
    /// What the launchers of test processes that no longer exist left behind, had they been killed outright:
    /// their cgroups (emptied first) and their empty mount points. Another run's are left alone.
    /// </summary>
    private static void SweepLeftovers(string[] hierarchies)
    {
        foreach (string root in hierarchies.Append(Path.GetTempPath()))
        {
            foreach (string dir in Directory.EnumerateDirectories(root, Prefix + "*"))
            {
                string[] parts = Path.GetFileName(dir)[Prefix.Length..].Split('-');
                if (!int.TryParse(parts[0], CultureInfo.InvariantCulture, out int pid) || Directory.Exists($"/proc/{pid}"))
                    continue;
                if (File.Exists(Path.Combine(dir, "cgroup.kill")))
                    File.WriteAllText(Path.Combine(dir, "cgroup.kill"), "1");
                foreach (string sub in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).Reverse().Append(dir))
                {
                    try
                    {
                        Directory.Delete(sub);
                    }
                    catch (IOException)
                    {
                        // Still busy (processes dying) or not empty: the next sweep.
                    }
                }
            }
        }
    }
}
