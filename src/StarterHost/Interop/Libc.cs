using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// The only place StarterHost calls the C library, one file per concern (Libc.*.cs), and here the error numbers
/// they fail with. Everything is a bare import; <see cref="Posix"/> turns -1/errno into exceptions that name the
/// fd, pid or path.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    // errno values (asm-generic, as on x86-64 and arm64). Workers/ExecFailure says which of them mean the command itself is at fault.
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int E2BIG = 7;
    internal const int ENOEXEC = 8;
    internal const int EBADF = 9;
    internal const int ECHILD = 10;
    internal const int EWOULDBLOCK = 11;
    internal const int EACCES = 13;
    internal const int EEXIST = 17;
    internal const int ENOTDIR = 20;
    internal const int EISDIR = 21;
    internal const int EINVAL = 22;
    internal const int ERANGE = 34;
    internal const int ENAMETOOLONG = 36;
    internal const int ELOOP = 40;
    internal const int ELIBBAD = 80;
}
