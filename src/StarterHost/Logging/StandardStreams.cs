using System.Text;
using Microsoft.Win32.SafeHandles;

namespace StarterHost.Logging;

/// <summary>
/// .NET's Console writes to a dup() of fds 1 and 2 made when it is first used, so a later
/// dup2() onto 1 and 2 (--log-file) would leave every log line going to the old terminal or
/// pipe, and keep that pipe open for as long as we live. Writing through fds 1 and 2 themselves
/// makes the redirect apply to us exactly as it does to the workers that inherit them.
/// </summary>
internal static class StandardStreams
{
    /// <summary>Call first thing, before anything (the console logger included) touches Console.</summary>
    public static void WriteThroughDescriptors()
    {
        Console.SetOut(WriterFor(1));
        Console.SetError(WriterFor(2));
    }

    private static StreamWriter WriterFor(int fd) =>
        // bufferSize 0: every write goes straight to the descriptor, as start_server's autoflush does.
        new(new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0), new UTF8Encoding(false))
        {
            AutoFlush = true,
        };
}
