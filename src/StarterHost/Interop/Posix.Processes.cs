using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Supervision calls: reaping any child, process groups, prctl, and what the exec helper needs.</summary>
internal static unsafe partial class Posix
{
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

    /// <summary>getpgid(2): the process group of a process, or null when there is no such process.</summary>
    public static int? ProcessGroupOf(int pid)
    {
        int pgid = Libc.GetPgid(pid);
        return pgid >= 0 ? pgid : null;
    }

    /// <summary>waitpid(-1, WNOHANG): reaps one exited child, any child; false when none has exited (or there is none).</summary>
    public static bool TryReapAny(out int pid, out int status)
    {
        while (true)
        {
            pid = Libc.WaitPid(-1, out status, Libc.WNOHANG);
            if (pid > 0)
                return true;
            if (pid == 0)
                return false;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.ECHILD)
                return false;
            if (errno != Libc.EINTR)
                throw new PosixException("waitpid(-1, WNOHANG)", errno);
        }
    }

    /// <summary>PR_SET_CHILD_SUBREAPER: orphaned descendants are reparented to us, not to init, and we reap them.</summary>
    public static void BecomeChildSubreaper()
    {
        if (Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
            throw PosixException.FromLastError("prctl(PR_SET_CHILD_SUBREAPER)");
    }

    /// <summary>PR_SET_PDEATHSIG: <paramref name="signal"/> arrives when the thread that spawned us exits.</summary>
    public static void SetParentDeathSignal(int signal)
    {
        if (Libc.Prctl(Libc.PR_SET_PDEATHSIG, (nuint)signal, 0, 0, 0) < 0)
            throw PosixException.FromLastError("prctl(PR_SET_PDEATHSIG)");
    }

    public static int ParentPid => Libc.GetParentPid();

    /// <summary>setenv(3) in libc's environment, the one <see cref="ExecReplacing"/> passes on.</summary>
    public static void SetEnvironmentVariable(string name, string value)
    {
        if (Libc.SetEnv(name, value, 1) < 0)
            throw PosixException.FromLastError($"setenv({name})");
    }

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

    /// <summary>setpgid(0, 0): this process leads a new process group, so a terminal's signals to its old group miss it.</summary>
    public static void LeadNewProcessGroup()
    {
        if (Libc.SetPgid(0, 0) < 0)
            throw PosixException.FromLastError("setpgid(0, 0)");
    }

    /// <summary>execv(2) with libc's environment. Returns only by throwing: the exec failed.</summary>
    public static void ExecReplacing(string path, IReadOnlyList<string> arguments)
    {
        var strings = new List<IntPtr>();
        try
        {
            Libc.Execv(Utf8(path, strings), NullTerminated(arguments, strings));
            throw PosixException.FromLastError($"exec {path}");
        }
        finally
        {
            foreach (var s in strings)
                NativeMemory.Free((void*)s);
        }
    }

    /// <summary>_exit(2): no runtime shutdown, no flushing of anything but what was written already.</summary>
    public static void ExitImmediately(int status) => Libc.Exit(status);

    /// <summary>A non-blocking, close-on-exec eventfd: a counter other threads bump to wake a poll.</summary>
    public static int CreateEventFd()
    {
        int fd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
            throw PosixException.FromLastError("eventfd");
        return fd;
    }

    public static void SignalEventFd(int fd)
    {
        ulong one = 1;
        // EAGAIN (the counter is full) still leaves it readable, which is all a wake needs.
        Libc.Write(fd, (byte*)&one, sizeof(ulong));
    }

    public static void DrainEventFd(int fd)
    {
        ulong value;
        Libc.Read(fd, (byte*)&value, sizeof(ulong));
    }

    /// <summary>
    /// poll(2) for input on <paramref name="fds"/>, for at most <paramref name="timeoutMs"/> (-1: no limit);
    /// returns which are readable (or hung up). EINTR returns no fd: the caller looks at its queues anyway.
    /// </summary>
    public static bool[] WaitReadable(IReadOnlyList<int> fds, int timeoutMs)
    {
        var polled = new Libc.PollFd[fds.Count];
        for (int i = 0; i < fds.Count; i++)
            polled[i] = new Libc.PollFd { Fd = fds[i], Events = Libc.POLLIN };
        var readable = new bool[fds.Count];
        fixed (Libc.PollFd* p = polled)
        {
            if (Libc.Poll(p, (nuint)polled.Length, timeoutMs) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                    return readable;
                throw new PosixException("poll", errno);
            }
        }
        for (int i = 0; i < polled.Length; i++)
            readable[i] = polled[i].Revents != 0;
        return readable;
    }
}
