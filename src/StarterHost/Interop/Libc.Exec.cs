using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Replacing the process image with an explicit environment: execve(2), and execveat(2) of an open file.</summary>
internal static unsafe partial class Libc
{
    internal const int O_PATH = 0x200000;

    [LibraryImport(Lib, EntryPoint = "execve", SetLastError = true)]
    internal static partial int Execve(byte* path, byte** argv, byte** envp);

    [LibraryImport(Lib, EntryPoint = "execveat", SetLastError = true)]
    internal static partial int Execveat(int dirFd, byte* path, byte** argv, byte** envp, int flags);
}
