using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// Processes: reaping any child, process groups, prctl, and the environment and exec of the exec helper.
/// </summary>
internal static unsafe partial class Posix
{
    public static int CurrentPid => Libc.GetPid();

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
}
