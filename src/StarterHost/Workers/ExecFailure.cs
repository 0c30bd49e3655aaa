using StarterHost.Interop;

namespace StarterHost.Workers;

/// <summary>What a failed exec of a worker's command means: whether another attempt could go otherwise, and in what words.</summary>
internal static class ExecFailure
{
    /// <summary>
    /// The command itself is at fault: missing (or its #! interpreter is), not executable, not a format the kernel
    /// runs. Another attempt execs the same file the same way; only someone changing it helps. Not so a lack of
    /// memory or processes (EAGAIN, ENOMEM) or a binary being written (ETXTBSY): those pass.
    /// </summary>
    // Server::Starter: retries such a command for ever. StarterHost refuses it at first start (see
    // GenerationMachine.GiveUp): with nothing serving, a retry only fills the log. A text file without #! is not
    // such a command: it runs through /bin/sh, as execvp(3) runs it (ShellScript); ENOEXEC is left for binaries.
    public static bool IsPermanent(int errno) => errno is Libc.ENOENT or Libc.ENOTDIR or Libc.EACCES or Libc.EPERM
        or Libc.ENOEXEC or Libc.EISDIR or Libc.ELOOP or Libc.ENAMETOOLONG or Libc.E2BIG or Libc.ELIBBAD;

    /// <summary>A command that vanished (or lost its execute bit) since start is as permanent as one that fails to exec.</summary>
    public static bool IsPermanent(Exception error) => error switch
    {
        PosixException posix => IsPermanent(posix.Errno),
        CommandNotExecutableException => true,
        _ => false,
    };

    /// <summary>The reason, with what "Exec format error" usually means.</summary>
    public static string Describe(string reason, int errno) =>
        errno == Libc.ENOEXEC ? $"{reason} (a binary of a format or architecture this system does not run)" : reason;

    public static string Describe(Exception error) => error is PosixException posix ? Describe(posix.Message, posix.Errno) : error.Message;
}
