using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace StarterHost.Logging;

/// <summary>
/// A synchronous logger: each event is formatted on the calling thread (in the plain or the journal
/// format) and written by <see cref="LogSink"/> before the call returns. No queue, no writer thread.
/// Its alias is "Console", so "Logging:Console:LogLevel" settings written for the console logger apply.
/// </summary>
[ProviderAlias("Console")]
internal sealed class StarterLoggerProvider(ConsoleFormatter formatter, LogSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, formatter, sink);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConsoleFormatter formatter, LogSink sink) : ILogger
    {
        [ThreadStatic]
        private static StringWriter? t_line;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
        {
            if (!IsEnabled(logLevel))
                return;
            var line = t_line ??= new StringWriter(CultureInfo.InvariantCulture);
            line.GetStringBuilder().Clear();
            formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, format), null, line);
            if (line.GetStringBuilder().Length == 0)
                return;
            sink.Write(line.ToString());
        }
    }
}
