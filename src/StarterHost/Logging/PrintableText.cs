using System.Globalization;
using System.Text;

namespace StarterHost.Logging;

/// <summary>
/// Text a worker chose (its STATUS=, a check command's output), made safe to put in a log line, on a terminal
/// and in StarterHost's own STATUS=: control characters escaped as C writes them (<c>\r</c>, <c>\t</c>,
/// <c>\x1b</c>), so that no escape sequence reaches a terminal and no line is forged; bidirectional overrides
/// as <c>\u202e</c>, so that no text reads backwards; and cut at a length, marked.
/// </summary>
internal static class PrintableText
{
    public const string CutMark = "…[cut]";

    public static string Escape(string text, int maxLength = int.MaxValue)
    {
        if (text.Length <= maxLength && !text.Any(NeedsEscape))
            return text;
        var escaped = new StringBuilder(Math.Min(text.Length, maxLength) + CutMark.Length);
        foreach (char c in text)
        {
            string piece = NeedsEscape(c) ? EscapeOf(c) : c.ToString();
            if (escaped.Length + piece.Length > maxLength)
            {
                // Never half of a surrogate pair.
                if (escaped.Length > 0 && char.IsHighSurrogate(escaped[^1]))
                    escaped.Length--;
                return escaped.Append(CutMark).ToString();
            }
            escaped.Append(piece);
        }
        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || IsBidiControl(c);

    /// <summary>U+202A–U+202E (embeddings, overrides) and U+2066–U+2069 (isolates).</summary>
    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static string EscapeOf(char c) => c switch
    {
        '\r' => @"\r",
        '\n' => @"\n",
        '\t' => @"\t",
        _ when c <= '\u00FF' => string.Create(CultureInfo.InvariantCulture, $@"\x{(int)c:x2}"),
        _ => string.Create(CultureInfo.InvariantCulture, $@"\u{(int)c:x4}"),
    };
}
