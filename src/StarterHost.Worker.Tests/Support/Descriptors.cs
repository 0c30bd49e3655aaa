using System.Runtime.InteropServices;

namespace StarterHost.Worker.Tests.Support;

/// <summary>The tests' only native calls: place a descriptor at a high number, as a superdaemon does, and close it.</summary>
internal static partial class Descriptors
{
    private const int F_DUPFD = 0;

    /// <summary>
    /// A copy of <paramref name="fd"/> at the lowest free number from 500 up, without FD_CLOEXEC — what a
    /// worker inherits. F_DUPFD rather than dup2: it cannot clobber a descriptor another test is using.
    /// </summary>
    public static int DupHigh(int fd)
    {
        int copy = Fcntl(fd, F_DUPFD, 500);
        if (copy < 0)
            throw new InvalidOperationException($"fcntl(F_DUPFD) of fd {fd} failed: errno {Marshal.GetLastPInvokeError()}");
        return copy;
    }

    public static bool IsOpen(int fd) => File.Exists($"/proc/self/fd/{fd}");

    public static void Close(int fd) => _ = CloseFd(fd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);
}
