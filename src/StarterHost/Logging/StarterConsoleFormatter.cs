using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace StarterHost.Logging;

/// <summary>
/// One line per event, like start_server's own output, with a timestamp and the level when it is
/// not plain information: "2026-11-23 10:00:00 warning: worker 42 died unexpectedly ...".
/// </summary>
internal sealed class StarterConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "starterhost";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        if (LogLine.Message(logEntry) is not { } message)
            return;
        textWriter.Write(DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture));
        string? level = logEntry.LogLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error => "error: ",
            LogLevel.Critical => "critical: ",
            LogLevel.Debug => "debug: ",
            LogLevel.Trace => "trace: ",
            _ => null,
        };
        textWriter.Write(level);
        LogLine.WriteRest(textWriter, message, logEntry.Exception);
    }
}
