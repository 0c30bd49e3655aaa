using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StarterHost.Configuration;

/// <summary>
/// Turns the configuration provider's three nested exceptions for a bad JSON file into one line in
/// the compilers' "file:line:column: message" form, the column counted in characters from 1.
/// </summary>
internal static partial class JsonErrorText
{
    [GeneratedRegex(@"\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?$")]
    private static partial Regex PositionSuffix();

    public static string Describe(string path, Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is JsonException { LineNumber: { } line, BytePositionInLine: { } bytes } json)
            {
                string reason = PositionSuffix().Replace(json.Message, "");
                return $"{path}:{line + 1}:{Column(path, line, bytes)}: invalid JSON: {reason}";
            }
        }
        // Not a syntax error (a duplicate key, a top-level array): the parser's own words.
        var innermost = error;
        while (innermost.InnerException is not null)
            innermost = innermost.InnerException;
        return $"{path}: invalid configuration: {innermost.Message}";
    }

    /// <summary>The 1-based character column of a 0-based byte position in a 0-based line.</summary>
    private static long Column(string path, long line, long bytePosition)
    {
        try
        {
            byte[] text = File.ReadAllBytes(path);
            int start = text.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
            for (long l = 0; l < line; l++)
            {
                int newline = Array.IndexOf(text, (byte)'\n', start);
                if (newline < 0)
                    return bytePosition + 1;
                start = newline + 1;
            }
            int length = (int)Math.Min(bytePosition, text.Length - start);
            return Encoding.UTF8.GetCharCount(text, start, length) + 1;
        }
        catch (IOException)
        {
            return bytePosition + 1;
        }
    }
}
