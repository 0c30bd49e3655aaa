using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Processes: reaping, prctl, process groups, the environment, exec and _exit.</summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport(Lib, EntryPoint = "getpid")]
    internal static partial int GetPid();

    internal const int WNOHANG = 1;
    internal const int PR_SET_PDEATHSIG = 1;
    internal const int PR_SET_CHILD_SUBREAPER = 36;

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

    [LibraryImport(Lib, EntryPoint = "setpgid", SetLastError = true)]
    internal static partial int SetPgid(int pid, int pgid);

    [LibraryImport(Lib, EntryPoint = "getpgid", SetLastError = true)]
    internal static partial int GetPgid(int pid);
}
