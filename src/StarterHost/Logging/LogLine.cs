using Microsoft.Extensions.Logging.Abstractions;

namespace StarterHost.Logging;

/// <summary>What both console formats share: one event, one line, whatever the exception holds.</summary>
internal static class LogLine
{
    /// <summary>The event's text, or null when there is nothing to write.</summary>
    public static string? Message<TState>(in LogEntry<TState> logEntry)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        return string.IsNullOrEmpty(message) && logEntry.Exception is null ? null : message;
    }

    /// <summary>
    /// Writes the message and the exception, if any, on the rest of the line: a newline would start a new
    /// journal entry (without its priority) and split an event a grep should find whole.
    /// </summary>
    public static void WriteRest(TextWriter textWriter, string message, Exception? exception)
    {
        textWriter.Write(message);
        if (exception is not null)
        {
            textWriter.Write(' ');
            textWriter.Write(exception.ToString().ReplaceLineEndings(" | "));
        }
        textWriter.Write('\n');
    }
}
