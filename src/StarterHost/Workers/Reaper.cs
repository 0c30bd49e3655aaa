using StarterHost.Interop;

namespace StarterHost.Workers;

/// <summary>
/// Waits for one child on a thread of its own: blocked in waitpid(2), costing nothing until the child
/// exits, and reaping it at once so no zombie is left. Children are few (a generation or two).
/// </summary>
internal static class Reaper
{
    public static void Watch(int pid, Action<int, WaitStatus> onExit)
    {
        var thread = new Thread(() => onExit(pid, new WaitStatus(Posix.WaitForExit(pid))), maxStackSize: 128 * 1024)
        {
            IsBackground = true,
            Name = $"reaper {pid}",
        };
        thread.Start();
    }
}
