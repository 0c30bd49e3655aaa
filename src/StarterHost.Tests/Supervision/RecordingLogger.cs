using Microsoft.Extensions.Logging;

namespace StarterHost.Tests.Supervision;

/// <summary>Keeps every formatted line, so a test can ask what the supervisor said.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    /// <summary>Called with each line as it is said, on the thread that says it: something a test makes happen at that moment.</summary>
    public Action<string>? OnLine { get; set; }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string line = formatter(state, exception);
        lock (_lines)
            _lines.Add(line);
        OnLine?.Invoke(line);
    }
}
