using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Process supervision: reaping, process groups, prctl, signal masks, the exec helper's calls, the loop's poll.</summary>
internal static unsafe partial class Libc
{
    internal const int WNOHANG = 1;
    internal const int EPERM = 1;

    // What exec(2) fails with when the command itself is at fault (see Workers/ExecFailure; ENOENT is in Libc.cs, ELOOP in Libc.Files).
    internal const int E2BIG = 7;
    internal const int ENOEXEC = 8;
    internal const int EACCES = 13;
    internal const int EISDIR = 21;
    internal const int ELIBBAD = 80;

    internal const int PR_SET_PDEATHSIG = 1;
    internal const int PR_SET_CHILD_SUBREAPER = 36;

    internal const short POSIX_SPAWN_SETPGROUP = 0x02;

    internal const int SIG_BLOCK = 0;
    internal const int SIG_UNBLOCK = 1;
    internal const int SIG_SETMASK = 2;
    internal static readonly nint SIG_DFL = 0;

    internal const int EFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;

    internal const short POLLIN = 0x1;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Lib, EntryPoint = "prctl", SetLastError = true)]
    internal static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Lib, EntryPoint = "getppid")]
    internal static partial int GetParentPid();

    [LibraryImport(Lib, EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetEnv(string name, string value, int overwrite);

    /// <summary>execv(3): the environment is libc's own (environ), which setenv changes and .NET's Environment does not.</summary>
    [LibraryImport(Lib, EntryPoint = "execv", SetLastError = true)]
    internal static partial int Execv(byte* path, byte** argv);

    [LibraryImport(Lib, EntryPoint = "_exit")]
    internal static partial void Exit(int status);

    [LibraryImport(Lib, EntryPoint = "signal", SetLastError = true)]
    internal static partial nint Signal(int signal, nint handler);

    [LibraryImport(Lib, EntryPoint = "sigprocmask", SetLastError = true)]
    internal static partial int SigProcMask(int how, void* set, void* oldSet);

    [LibraryImport(Lib, EntryPoint = "sigaddset")]
    internal static partial int SigAddSet(void* set, int signal);

    [LibraryImport(Lib, EntryPoint = "setpgid", SetLastError = true)]
    internal static partial int SetPgid(int pid, int pgid);

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initial, int flags);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setpgroup")]
    internal static partial int SpawnAttrSetPgroup(void* attributes, int pgroup);

    [LibraryImport(Lib, EntryPoint = "getpgid", SetLastError = true)]
    internal static partial int GetPgid(int pid);
}
