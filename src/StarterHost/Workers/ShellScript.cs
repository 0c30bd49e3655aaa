namespace StarterHost.Workers;

/// <summary>
/// An executable text file without a #! line. execve(2) refuses it (ENOEXEC); execvp(3), which start_server's Perl
/// exec goes through, then runs "/bin/sh FILE ARGS...", and StarterHost does the same. A file that is not text stays
/// an exec failure: sh would only say "cannot execute binary file", once per retry.
/// </summary>
// Server::Starter: a worker command written as a bare shell script runs, as execvp(3) runs it.
internal static class ShellScript
{
    private const string Shell = "/bin/sh";

    /// <summary>
    /// The program and argv that run <paramref name="path"/> through /bin/sh as execvp(3) does, or null when the file
    /// is not text (or cannot be read). A relative path is read from <paramref name="workingDirectory"/>, where the
    /// child will run it.
    /// </summary>
    public static (string Path, string[] Arguments)? Command(string path, IReadOnlyList<string> arguments, string? workingDirectory = null)
    {
        string readable = workingDirectory is null || Path.IsPathRooted(path) ? path : Path.Combine(workingDirectory, path);
        return IsText(readable) ? (Shell, [Shell, path, .. arguments.Skip(1)]) : null;
    }

    // bash's test before it says "cannot execute binary file": a NUL byte in the first line, read up to 80 bytes.
    private static bool IsText(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            Span<byte> head = stackalloc byte[80];
            var read = head[..RandomAccess.Read(handle, head, 0)];
            int newline = read.IndexOf((byte)'\n');
            return (newline < 0 ? read : read[..newline]).IndexOf((byte)0) < 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
