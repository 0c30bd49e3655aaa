using System.Text;

namespace StarterHost.Logging;

/// <summary>
/// Where StarterHost's log lines go: straight to a descriptor (2, which --log-file redirects), one
/// write(2) per line, on the logging thread. A worker writes its lines the same way, so the two
/// interleave in the order things happened; a queue and a writer thread, as the console logger has,
/// would let a worker's answer to a signal come out before the line that announced the signal.
/// </summary>
/// <remarks>
/// Lines are held back until <see cref="EndStartup"/>, which comes once the sockets are bound and
/// --log-file has taken stderr, the last steps that can fail on the configuration, and before any worker
/// exists: a start-up that fails prints its single error line and nothing else, and one that succeeds
/// keeps its lines in order, in the log file when there is one.
/// </remarks>
internal sealed class LogSink(int fd)
{
    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly DescriptorStream _out = new(fd);
    private readonly object _lock = new();
    private List<byte[]>? _held = [];

    public void Write(string line)
    {
        byte[] bytes = Utf8.GetBytes(line);
        lock (_lock)
        {
            if (_held is not null)
                _held.Add(bytes);
            else
                _out.Write(bytes);
        }
    }

    /// <summary>Start-up succeeded: writes what was held back, and every line from now on as it comes.</summary>
    public void EndStartup()
    {
        lock (_lock)
            ReleaseHeld();
    }

    /// <summary>Start-up failed: drops what was held back; the caller prints the one line that says why.</summary>
    public void DiscardStartup()
    {
        lock (_lock)
            _held = null;
    }

    private void ReleaseHeld()
    {
        if (_held is null)
            return;
        foreach (byte[] line in _held)
            _out.Write(line);
        _held = null;
    }
}
