using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;
using StarterHost.Upgrade;

namespace StarterHost.Tests.Interop;

/// <summary>
/// Signal masks, pending signals and signalfd. A process-directed signal goes to any thread that does not block it,
/// so what needs every thread to block a signal runs in a child started with the signals blocked.
/// </summary>
public sealed class SignalMaskTests
{
    private static readonly int[] Held = [SignalNames.Hup, SignalNames.Usr2];

    [Fact]
    public void BlockedSignalsAreTheCallingThreadsOwn()
    {
        IReadOnlySet<int>? whileBlocked = null, afterwards = null;
        // A thread of its own: the mask is per thread, and this one ends with its mask.
        var thread = new Thread(() =>
        {
            Posix.BlockSignals([SignalNames.Winch]);
            whileBlocked = Posix.BlockedSignals();
            Posix.UnblockSignals([SignalNames.Winch]);
            afterwards = Posix.BlockedSignals();
        });
        thread.Start();
        thread.Join();

        Assert.Contains(SignalNames.Winch, whileBlocked!);
        Assert.DoesNotContain(SignalNames.Winch, afterwards!);
        Assert.DoesNotContain(SignalNames.Winch, Posix.BlockedSignals());
    }

    [Fact]
    public void ASignalSentWhileEveryThreadBlocksItStaysPendingThroughExec()
    {
        var child = ChildProgram.Run("pending", [], launcher: ChildProgram.Blocking(Held));

        Assert.Equal("", child.Stderr);
        // Before the exec: every runtime thread kept the inherited mask, and the HUP waits.
        Assert.Equal("threads not blocking: none", child.Lines[0]);
        Assert.Equal($"pending: {SignalNames.Hup}", child.Lines[1]);
        // After it, in the image it became: the mask and the pending HUP are still there.
        ulong heldMask = Held.Aggregate(0UL, (mask, signal) => mask | 1UL << (signal - 1));
        Assert.Equal(heldMask, StatusMask(child.Lines, "SigBlk") & heldMask);
        Assert.Equal(1UL << (SignalNames.Hup - 1), StatusMask(child.Lines, "ShdPnd"));
    }

    [Fact]
    public void ASignalFdReadsBlockedSignalsOneByOne()
    {
        var child = ChildProgram.Run("signalfd", [], launcher: ChildProgram.Blocking(Held));

        Assert.Equal("", child.Stderr);
        Assert.Equal([$"read {SignalNames.Hup}", $"read {SignalNames.Usr2}", "then none"], child.Lines);
    }

    [Fact]
    public void AFinalizerBlocksSignalsOnTheFinalizerThread()
    {
        var child = ChildProgram.Run("finalizer", []);

        Assert.Equal("", child.Stderr);
        Assert.Equal(["finalizer thread blocks them: True", "another thread: True"], child.Lines);
    }

    private static ulong StatusMask(IEnumerable<string> lines, string field) =>
        Convert.ToUInt64(lines.Single(line => line.StartsWith($"{field}:")).Split('\t')[^1], 16);

    /// <summary>child pending (started with <see cref="Held"/> blocked): sends itself HUP, reports, then execs perl to show its mask and pending signals.</summary>
    internal static int PendingChild(string[] args)
    {
        var notBlocking = ThreadSignalMasks.NotBlocking(Held);
        Console.WriteLine($"threads not blocking: {(notBlocking.Count == 0 ? "none" : string.Join(", ", notBlocking))}");
        Posix.SendSignal(Posix.CurrentPid, SignalNames.Hup);
        Console.WriteLine($"pending: {string.Join(", ", Posix.PendingSignals().Order())}");
        Console.Out.Flush();
        Posix.Exec("/usr/bin/perl", ["perl", "-ne", "print if /^(SigBlk|ShdPnd):/", "/proc/self/status"], []);
        return 1;
    }

    /// <summary>child signalfd (started with <see cref="Held"/> blocked): sends itself HUP and USR2 and reads them from a signalfd.</summary>
    internal static int SignalFdChild(string[] args)
    {
        int fd = Posix.OpenSignalFd(Held);
        Posix.SendSignal(Posix.CurrentPid, SignalNames.Hup);
        Posix.SendSignal(Posix.CurrentPid, SignalNames.Usr2);
        // Standard signals are read lowest number first.
        Console.WriteLine($"read {Posix.ReadSignal(fd)}");
        Console.WriteLine($"read {Posix.ReadSignal(fd)}");
        Console.WriteLine(Posix.ReadSignal(fd) is null ? "then none" : "then more");
        return 0;
    }

    /// <summary>child finalizer: blocks <see cref="Held"/> on the finalizer thread and says whether that thread (not this one) blocks them.</summary>
    internal static int FinalizerChild(string[] args)
    {
        int tid = ThreadSignalMasks.BlockOnFinalizerThread(Held);
        var finalizer = ThreadSignalMasks.Read().Single(thread => thread.Tid == tid);
        Console.WriteLine($"finalizer thread blocks them: {finalizer.BlocksAll(Held)}");
        Console.WriteLine($"another thread: {tid != Posix.CurrentThreadId}");
        return 0;
    }
}
