using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// Signals: sending one to a process or a process group, the calling thread's dispositions, mask and pending signals,
/// and signals read from a signalfd. The mask and the pending signals survive execve, which is what lets a signal sent
/// during an upgrade in place reach the new image.
/// </summary>
internal static unsafe partial class Posix
{
    /// <summary>
    /// Sends a signal with kill(2): Process.Kill can only send SIGKILL.
    /// Returns false when the process is already gone.
    /// </summary>
    public static bool SendSignal(int pid, int signal)
    {
        if (pid <= 0)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "refusing to signal a process group");
        if (Libc.Kill(pid, signal) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == Libc.ESRCH)
            return false;
        throw new PosixException($"kill({pid}, {signal})", errno);
    }

    /// <summary>True when a process with that pid exists (kill with signal 0).</summary>
    public static bool ProcessExists(int pid)
    {
        if (Libc.Kill(pid, 0) == 0)
            return true;
        return Marshal.GetLastPInvokeError() != Libc.ESRCH;
    }

    /// <summary>kill(-pgid): every process of the group. Returns false when the group has no member left.</summary>
    public static bool SendGroupSignal(int pgid, int signal)
    {
        if (pgid <= 1)
            throw new ArgumentOutOfRangeException(nameof(pgid), pgid, "refusing to signal that process group");
        if (Libc.Kill(-pgid, signal) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == Libc.ESRCH)
            return false;
        throw new PosixException($"kill(-{pgid}, {signal})", errno);
    }

    /// <summary>True while any process (a zombie included) is in the group.</summary>
    public static bool GroupExists(int pgid) =>
        pgid > 1 && (Libc.Kill(-pgid, 0) == 0 || Marshal.GetLastPInvokeError() == Libc.EPERM);

    /// <summary>
    /// Every signal back to its default disposition and none blocked, as posix_spawn's SETSIGDEF and
    /// SETSIGMASK give a child: a runtime about to exec must not hand down its own (SIGPIPE ignored, say).
    /// </summary>
    public static void ResetSignals()
    {
        for (int signal = 1; signal < 65; signal++)
        {
            // SIGKILL and SIGSTOP cannot be changed, and glibc keeps 32 and 33 for itself: those fail, harmlessly.
            ResetSignal(signal);
        }
        byte* empty = stackalloc byte[128];
        Libc.SigEmptySet(empty);
        Libc.SigProcMask(Libc.SIG_SETMASK, empty, null);
    }

    /// <summary>One signal back to its default disposition (an inherited SIG_IGN for SIGCHLD would reap our children for us).</summary>
    public static void ResetSignal(int signal) => Libc.Signal(signal, Libc.SIG_DFL);

    /// <summary>Whether <paramref name="signal"/>'s disposition is SIG_IGN (read with sigaction, nothing changed).</summary>
    public static bool IsIgnored(int signal)
    {
        byte* old = stackalloc byte[Libc.SigactionSize];
        if (Libc.Sigaction(signal, null, old) < 0)
            throw PosixException.FromLastError($"sigaction({signal})");
        return *(nint*)old == Libc.SIG_IGN;
    }

    /// <summary>
    /// Blocks <paramref name="signals"/> on the calling thread: one sent to the process goes to another thread,
    /// or, when every thread blocks it, waits pending until one unblocks it. A child inherits the mask.
    /// </summary>
    public static void BlockSignals(IReadOnlyList<int> signals) => ChangeSignalMask(Libc.SIG_BLOCK, signals);

    /// <summary>Unblocks <paramref name="signals"/> on the calling thread; any of them pending is delivered now.</summary>
    public static void UnblockSignals(IReadOnlyList<int> signals) => ChangeSignalMask(Libc.SIG_UNBLOCK, signals);

    private static void ChangeSignalMask(int how, IReadOnlyList<int> signals)
    {
        byte* set = stackalloc byte[128];
        Libc.SigEmptySet(set);
        foreach (int signal in signals)
            Libc.SigAddSet(set, signal);
        if (Libc.SigProcMask(how, set, null) < 0)
            throw PosixException.FromLastError("sigprocmask");
    }

    private const int SigSetSize = 128;

    /// <summary>The signals blocked on the calling thread.</summary>
    public static IReadOnlySet<int> BlockedSignals()
    {
        byte* set = stackalloc byte[SigSetSize];
        Libc.SigEmptySet(set);
        int error = Libc.PthreadSigMask(Libc.SIG_BLOCK, null, set);
        if (error != 0)
            throw new PosixException("pthread_sigmask", error);
        return Members(set);
    }

    /// <summary>The signals pending for the calling thread: sent to it, or to the process, while every thread blocked them.</summary>
    public static IReadOnlySet<int> PendingSignals()
    {
        byte* set = stackalloc byte[SigSetSize];
        Libc.SigEmptySet(set);
        if (Libc.SigPending(set) < 0)
            throw PosixException.FromLastError("sigpending");
        return Members(set);
    }

    /// <summary>
    /// A non-blocking, close-on-exec signalfd for <paramref name="signals"/>: each read takes one pending signal, so a
    /// signal is consumed only when the reader asks, never by a handler on whichever thread the kernel picked. The
    /// signals must be blocked on every thread, or one that does not block them still takes them.
    /// </summary>
    public static int OpenSignalFd(IReadOnlyList<int> signals)
    {
        byte* set = stackalloc byte[SigSetSize];
        Libc.SigEmptySet(set);
        foreach (int signal in signals)
            Libc.SigAddSet(set, signal);
        int fd = Libc.SignalFd(-1, set, Libc.SFD_CLOEXEC | Libc.SFD_NONBLOCK);
        if (fd < 0)
            throw PosixException.FromLastError("signalfd");
        return fd;
    }

    /// <summary>The next signal from a signalfd (<see cref="OpenSignalFd"/>), or null when none is pending.</summary>
    public static int? ReadSignal(int signalFd)
    {
        byte* info = stackalloc byte[Libc.SignalFdInfoSize];
        while (true)
        {
            nint n = Libc.Read(signalFd, info, Libc.SignalFdInfoSize);
            if (n == Libc.SignalFdInfoSize)
                return *(int*)info; // struct signalfd_siginfo: u32 ssi_signo first
            int errno = Marshal.GetLastPInvokeError();
            if (n < 0 && errno == Libc.EWOULDBLOCK)
                return null;
            if (n >= 0 || errno != Libc.EINTR)
                throw new PosixException($"read({signalFd}) of a signalfd", n >= 0 ? Libc.EINVAL : errno);
        }
    }

    /// <summary>The calling thread's id, as /proc/self/task/TID names it.</summary>
    public static int CurrentThreadId => Libc.GetTid();

    private static HashSet<int> Members(byte* set)
    {
        var members = new HashSet<int>();
        for (int signal = 1; signal < 65; signal++)
        {
            if (Libc.SigIsMember(set, signal) == 1)
                members.Add(signal);
        }
        return members;
    }
}
