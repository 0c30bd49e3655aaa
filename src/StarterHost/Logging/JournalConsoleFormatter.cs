using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace StarterHost.Logging;

/// <summary>
/// One line per event for systemd's journal: a syslog priority prefix ("&lt;4&gt;") that journald turns
/// into the entry's priority, and no timestamp, which the journal adds itself (man sd-daemon).
/// </summary>
internal sealed class JournalConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "starterhost-journal";

    /// <summary>Set by systemd for a service's output (JOURNAL_STREAM) or for any unit it runs (INVOCATION_ID).</summary>
    public static bool IsUnderSystemd(System.Collections.IDictionary environment) =>
        environment["JOURNAL_STREAM"] is string { Length: > 0 } || environment["INVOCATION_ID"] is string { Length: > 0 };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        if (LogLine.Message(logEntry) is not { } message)
            return;
        textWriter.Write(logEntry.LogLevel switch
        {
            LogLevel.Critical => "<2>",
            LogLevel.Error => "<3>",
            LogLevel.Warning => "<4>",
            LogLevel.Information => "<6>",
            _ => "<7>",
        });
        LogLine.WriteRest(textWriter, message, logEntry.Exception);
    }
}
