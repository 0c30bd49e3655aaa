using System.Globalization;
using System.Runtime.CompilerServices;
using StarterHost.Interop;

namespace StarterHost.Upgrade;

/// <summary>
/// Which threads of this process block which signals (SigBlk in /proc/self/task/*/status), and a way to block signals
/// on the runtime's finalizer thread. A thread inherits the mask of the thread that creates it, and the runtime starts
/// its first threads before Main: NativeAOT the finalizer alone, CoreCLR (the dll form) also its synchronization
/// manager, diagnostics and tiering threads, which no managed code runs on. A signal every thread blocks waits,
/// pending, through an exec; one that a single thread does not block is taken by that thread.
/// </summary>
internal static class ThreadSignalMasks
{
    /// <summary>One thread: its id, its name (comm) and the signals it blocks, bit n-1 for signal n.</summary>
    public sealed record ThreadMask(int Tid, string Name, ulong Blocked)
    {
        public bool BlocksAll(IEnumerable<int> signals) => signals.All(signal => (Blocked & 1UL << (signal - 1)) != 0);
    }

    /// <summary>Every thread of this process now; one that exits while it is read is left out.</summary>
    public static IReadOnlyList<ThreadMask> Read()
    {
        var threads = new List<ThreadMask>();
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                string name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                string status = File.ReadAllText(Path.Combine(task, "status"));
                threads.Add(new ThreadMask(int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), name, SigBlk(status)));
            }
            catch (IOException)
            {
                // The thread exited: it takes no signal any more.
            }
        }
        return [.. threads.OrderBy(thread => thread.Tid)];
    }

    /// <summary>The threads that do not block every one of <paramref name="signals"/>, any of which could take one.</summary>
    public static IReadOnlyList<ThreadMask> NotBlocking(IReadOnlyList<int> signals) =>
        [.. Read().Where(thread => !thread.BlocksAll(signals))];

    /// <summary>
    /// Blocks <paramref name="signals"/> on the finalizer thread, the one thread NativeAOT starts before Main: a
    /// finalizer does it there. Returns that thread's id. Threads created later inherit their creator's mask, so once
    /// Main has blocked the signals too, every thread of a NativeAOT process blocks them.
    /// </summary>
    public static int BlockOnFinalizerThread(IReadOnlyList<int> signals)
    {
        var blocked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Abandon(signals, blocked);
        for (int attempt = 0; attempt < 10 && !blocked.Task.IsCompleted; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        if (!blocked.Task.IsCompleted)
            throw new InvalidOperationException("the finalizer thread ran no finalizer");
        return blocked.Task.GetAwaiter().GetResult();
    }

    // Not inlined: the object must be unreachable once this returns, whatever the JIT does with locals.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Abandon(IReadOnlyList<int> signals, TaskCompletionSource<int> blocked) => _ = new Blocker(signals, blocked);

    private sealed class Blocker(IReadOnlyList<int> signals, TaskCompletionSource<int> blocked)
    {
        ~Blocker()
        {
            try
            {
                Posix.BlockSignals(signals);
                blocked.SetResult(Posix.CurrentThreadId);
            }
            catch (Exception e)
            {
                blocked.SetException(e);
            }
        }
    }

    private static ulong SigBlk(string status)
    {
        string line = status.Split('\n').First(l => l.StartsWith("SigBlk:", StringComparison.Ordinal));
        return ulong.Parse(line["SigBlk:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
