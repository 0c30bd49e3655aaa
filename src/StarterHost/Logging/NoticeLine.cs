using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace StarterHost.Logging;

/// <summary>
/// One log line of the machine's: its stable event id, its level, and a template with named holes filled
/// from <see cref="Values"/> in order. It is the state a logger is given, as a [LoggerMessage] method's is:
/// the holes as structured properties, and "{OriginalFormat}" last. Values are formatted invariantly.
/// </summary>
internal sealed class NoticeLine(int id, LogLevel level, string template, params object?[] values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private string? _text;
    private string[]? _names;

    public EventId Id { get; } = new(id);

    public LogLevel Level => level;

    public string Template => template;

    public IReadOnlyList<object?> Values => values;

    /// <summary>The line as written: the template with each hole replaced by its value.</summary>
    public string Text => _text ??= Format();

    /// <summary>The holes' names, in the order they appear.</summary>
    public IReadOnlyList<string> Names => _names ??= [.. Holes().Select(h => template.Substring(h.Start + 1, h.Length - 2))];

    public int Count => values.Length + 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == values.Length ? new("{OriginalFormat}", template) : new(Names[index], values[index]);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Text;

    private string Format()
    {
        var text = new StringBuilder(template.Length + 32);
        int at = 0, hole = 0;
        foreach (var (start, length) in Holes())
        {
            text.Append(template, at, start - at).Append(Value(hole < values.Length ? values[hole] : null));
            at = start + length;
            hole++;
        }
        return text.Append(template, at, template.Length - at).ToString();
    }

    /// <summary>As [LoggerMessage] formats a value: invariantly, and null as "(null)".</summary>
    private static string Value(object? value) => value switch
    {
        null => "(null)",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private IEnumerable<(int Start, int Length)> Holes()
    {
        for (int open = template.IndexOf('{'); open >= 0; open = template.IndexOf('{', open + 1))
        {
            int close = template.IndexOf('}', open);
            yield return (open, close - open + 1);
        }
    }
}
