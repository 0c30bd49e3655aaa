using System.Text;

namespace StarterHost.Environment;

/// <summary>Reads a daemontools-style envdir: each file is a variable, its first line the value.</summary>
internal static class EnvDirReader
{
    /// <summary>
    /// Server::Starter semantics: names starting with "." are skipped, the value is the first line
    /// without its newline, an empty file sets nothing, and unreadable entries are skipped.
    /// </summary>
    /// <exception cref="IOException">The directory itself cannot be read; the message is the reason alone.</exception>
    public static IReadOnlyDictionary<string, string> Read(string directory)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
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
        foreach (string path in entries)
        {
            string name = System.IO.Path.GetFileName(path);
            if (name.StartsWith('.') || name.Contains('='))
                continue;
            if (TryReadFirstLine(path) is { } value)
                result[name] = value;
        }
        return result;
    }

    private static string? TryReadFirstLine(string path)
    {
        try
        {
            using var reader = new StreamReader(path, new UTF8Encoding(false));
            // Server::Starter: chomp(<$fh>), so "\r" stays and an empty file yields nothing.
            var line = new StringBuilder();
            int c;
            bool any = false;
            while ((c = reader.Read()) >= 0)
            {
                any = true;
                if (c == '\n')
                    break;
                line.Append((char)c);
            }
            return any ? line.ToString() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
