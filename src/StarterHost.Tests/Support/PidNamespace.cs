using System.Diagnostics;

namespace StarterHost.Tests.Support;

/// <summary>
/// StarterHost as PID 1 of a new pid namespace, as a container run without --init has it:
/// <c>unshare --pid --fork --mount-proc starterhost …</c>. Seen from outside, its processes are found by
/// ancestry, and the pids StarterHost names (the namespace's own) through NSpid in /proc/PID/status.
/// </summary>
internal static class PidNamespace
{
    public static readonly string[] Launcher = ["unshare", "--pid", "--fork", "--mount-proc"];

    /// <summary>Why this machine cannot make a pid namespace (not root, no unshare, a sandbox that forbids it), or null.</summary>
    public static string? Unavailable => Probe.Value;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        try
        {
            var info = new ProcessStartInfo(Launcher[0]) { RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in Launcher.Skip(1).Append("true"))
                info.ArgumentList.Add(arg);
            using var probe = Process.Start(info)!;
            string error = probe.StandardError.ReadToEnd().Trim();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? null : $"{string.Join(' ', Launcher)} cannot create a pid namespace here: {error}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Launcher[0]} cannot be run: {e.Message}";
        }
    });

    public static StarterProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null) =>
        StarterProcess.Start(args, environment, launcher: Launcher);

    /// <summary>The namespace's PID 1 (StarterHost in its init role), seen from outside: unshare's one child.</summary>
    public static int Init(StarterProcess unshare) => FirstChild(unshare.Pid, "unshare to fork the namespace's PID 1");

    /// <summary>PID 1's child, the StarterHost that supervises, seen from outside.</summary>
    public static int Supervisor(StarterProcess unshare) => FirstChild(Init(unshare), "PID 1 to start StarterHost as its child");

    private static int FirstChild(int parent, string what) =>
        Eventually.Get(() => StarterProcess.ChildrenOf(parent).Select(pid => (int?)pid).FirstOrDefault(), what);

    /// <summary>The pid outside the namespace of the process that is <paramref name="namespacePid"/> inside it.</summary>
    public static int HostPid(StarterProcess unshare, int namespacePid) =>
        StarterProcess.DescendantsOf(unshare.Pid).Single(pid => NamespacePid(pid) == namespacePid);

    /// <summary>The pid inside the namespace of host pid <paramref name="pid"/> (the last NSpid), or null when it is gone.</summary>
    public static int? NamespacePid(int pid)
    {
        try
        {
            string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            return int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[^1]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// A process as it is now: its pid and start time, which tell it apart from a later one given the same pid.
    /// Null when it is gone.
    /// </summary>
    public static string? Identity(int pid) => Stat(pid) is { } fields ? $"{pid}@{fields[19]}" : null;

    /// <summary>R, S, Z (a zombie: exited, not yet reaped)…; null when it is gone.</summary>
    public static char? State(int pid) => Stat(pid)?[0][0];

    public static int? ProcessGroup(int pid) => Stat(pid) is { } fields ? int.Parse(fields[2]) : null;

    /// <summary>/proc/PID/stat from the state on (the 3rd field): "pid (comm) state …", where comm may hold spaces.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
