using System.Globalization;

namespace StarterHost.Tests.Support;

/// <summary>
/// Wake-ups of a process, as bench/lib/Bench/Proc.pm counts them: every thread's voluntary and involuntary context
/// switches, from /proc/PID/task/*/status. A thread asleep in poll(2) or a futex switches none.
/// </summary>
internal static class IdleThreads
{
    // The runtime's own threads that come and go with work (a thread pool worker retires after 20 s idle, the tiered
    // compiler's after its queue is empty): not threads an option adds.
    private static readonly string[] Transient = [".NET TP Worker", ".NET Tiered Com", ".NET Long Runni"];

    public static Dictionary<int, long> Switches(int pid)
    {
        var count = new Dictionary<int, long>();
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                int tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                count[tid] = File.ReadLines(Path.Combine(task, "status"))
                    .Where(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || l.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    .Sum(l => long.Parse(l.Split(':')[1].Trim(), CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // A thread that ended as it was read: counted as gone.
            }
        }
        return count;
    }

    /// <summary>Switches between two readings; a thread that ended meanwhile woke at least once to do so.</summary>
    public static long Wakeups(Dictionary<int, long> before, Dictionary<int, long> after) =>
        before.Keys.Count(tid => !after.ContainsKey(tid)) + after.Sum(a => a.Value - before.GetValueOrDefault(a.Key));

    /// <summary>Waits (bounded) until a whole second passes without a wake-up: start-up's last timers are done.</summary>
    public static void WaitQuiet(int pid) =>
        Eventually.True(() =>
        {
            var before = Switches(pid);
            Thread.Sleep(1000);
            return Wakeups(before, Switches(pid)) == 0;
        }, $"process {pid} to go quiet for a second", TimeSpan.FromSeconds(60));

    /// <summary>Each thread's name; a thread that ended as it was read is left out.</summary>
    public static Dictionary<int, string> NamesById(int pid)
    {
        var names = new Dictionary<int, string>();
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                names[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = File.ReadAllText(Path.Combine(task, "comm")).Trim();
            }
            catch (IOException)
            {
                // Ended meanwhile.
            }
        }
        return names;
    }

    /// <summary>The names of the process's threads that stay, one per thread.</summary>
    public static IEnumerable<string> Names(int pid) =>
        NamesById(pid).Values.Where(name => !Transient.Any(t => name.StartsWith(t, StringComparison.Ordinal)));
}
