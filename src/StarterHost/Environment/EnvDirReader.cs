using StarterHost.Interop;

namespace StarterHost.Environment;

/// <summary>What an envdir holds: the variables, and the files skipped because their name cannot be a variable's.</summary>
internal sealed record EnvDirContents(IReadOnlyDictionary<string, string> Variables, IReadOnlyList<string> Skipped);

/// <summary>Reads a daemontools-style envdir: each file is a variable, its first line the value.</summary>
internal static class EnvDirReader
{
    /// <summary>
    /// Server::Starter semantics: names starting with "." are skipped, the value is the first line
    /// without its newline, an empty file sets nothing, and unreadable entries are skipped. The value is
    /// its bytes, UTF-8 or not (see <see cref="EscapedUtf8"/>), as start_server passes them.
    /// </summary>
    /// <exception cref="IOException">The directory itself cannot be read; the message is the reason alone.</exception>
    public static EnvDirContents Read(string directory)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var skipped = new List<string>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFiles(directory).ToArray();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // The errno's words, as start_server would print them; the caller names the directory.
            throw new IOException(e switch
            {
                UnauthorizedAccessException => "Permission denied",
                _ when File.Exists(directory) => "Not a directory",
                DirectoryNotFoundException => "No such file or directory",
                _ => e.Message,
            }, e);
        }
        foreach (string path in entries.Order(StringComparer.Ordinal))
        {
            string name = System.IO.Path.GetFileName(path);
            if (name.StartsWith('.'))
                continue;
            // Server::Starter: puts such a name in %ENV as it is; "A=B" would reach the worker as A, a space or a
            // newline as a variable nobody can name. Said instead (by the caller), and left out.
            if (!IsVariableName(name))
            {
                skipped.Add(path);
                continue;
            }
            if (TryReadFirstLine(path) is { } value)
                result[name] = value;
        }
        return new EnvDirContents(result, skipped);
    }

    /// <summary>A name environ(7) can hold and a shell can name: no '=', no white space, no control character.</summary>
    private static bool IsVariableName(string name) =>
        !name.Contains('=', StringComparison.Ordinal) && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    private static string? TryReadFirstLine(string path)
    {
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            // Server::Starter: chomp(<$fh>), so "\r" stays and an empty file yields nothing.
            if (bytes.Length == 0)
                return null;
            int newline = Array.IndexOf(bytes, (byte)'\n');
            return EscapedUtf8.Decode(newline < 0 ? bytes : bytes.AsSpan(0, newline));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
