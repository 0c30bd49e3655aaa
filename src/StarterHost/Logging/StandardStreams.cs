using System.Text;

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

    // AutoFlush: every line goes straight to the descriptor, as with start_server's autoflush.
    private static StreamWriter WriterFor(int fd) =>
        new(new DescriptorStream(fd), new UTF8Encoding(false)) { AutoFlush = true };
}
