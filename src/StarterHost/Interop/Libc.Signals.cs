using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>Signals: kill(2), dispositions, masks, signal sets, pending signals and signals read from a descriptor (signalfd).</summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport(Lib, EntryPoint = "sigemptyset")]
    internal static partial int SigEmptySet(void* set);

    [LibraryImport(Lib, EntryPoint = "sigfillset")]
    internal static partial int SigFillSet(void* set);

    internal const int SIG_BLOCK = 0;
    internal const int SIG_UNBLOCK = 1;
    internal const int SIG_SETMASK = 2;
    internal static readonly nint SIG_DFL = 0;

    [LibraryImport(Lib, EntryPoint = "signal", SetLastError = true)]
    internal static partial nint Signal(int signal, nint handler);

    internal static readonly nint SIG_IGN = 1;

    // struct sigaction starts with the handler (a union of sa_handler and sa_sigaction); 152 bytes on x86-64 and arm64.
    internal const int SigactionSize = 152;

    [LibraryImport(Lib, EntryPoint = "sigaction", SetLastError = true)]
    internal static unsafe partial int Sigaction(int signal, byte* action, byte* oldAction);

    [LibraryImport(Lib, EntryPoint = "sigprocmask", SetLastError = true)]
    internal static partial int SigProcMask(int how, void* set, void* oldSet);

    [LibraryImport(Lib, EntryPoint = "sigaddset")]
    internal static partial int SigAddSet(void* set, int signal);

    internal const int SFD_CLOEXEC = 0x80000;
    internal const int SFD_NONBLOCK = 0x800;

    /// <summary>sizeof(struct signalfd_siginfo): each read returns whole records of this size.</summary>
    internal const int SignalFdInfoSize = 128;

    [LibraryImport(Lib, EntryPoint = "pthread_sigmask")]
    internal static partial int PthreadSigMask(int how, void* set, void* oldSet);

    [LibraryImport(Lib, EntryPoint = "sigpending", SetLastError = true)]
    internal static partial int SigPending(void* set);

    [LibraryImport(Lib, EntryPoint = "sigismember")]
    internal static partial int SigIsMember(void* set, int signal);

    [LibraryImport(Lib, EntryPoint = "signalfd", SetLastError = true)]
    internal static partial int SignalFd(int fd, void* mask, int flags);

    [LibraryImport(Lib, EntryPoint = "gettid")]
    internal static partial int GetTid();
}
