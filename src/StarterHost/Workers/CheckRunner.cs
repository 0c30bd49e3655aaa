using System.Text;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Logging;
using StarterHost.Supervision;

namespace StarterHost.Workers;

/// <summary>
/// Runs <c>--check-command</c> with /bin/sh as a worker would run (environment, directory, identity, a
/// process group of its own), its stdout and stderr into a pipe the event loop drains, keeping the last
/// lines for the reason of a refusal. Loop thread only.
/// </summary>
internal sealed class CheckRunner(WorkerSpawner spawner, string command, EventLoop loop) : ICheckRunner, IDisposable
{
    private const int KeptBytes = 4096;
    private const int ReportedLines = 5;
    private readonly List<byte> _output = [];
    private int _pid;
    private int _outputFd = -1;

    public int Start(int generation, IReadOnlyDictionary<string, string>? envDir)
    {
        Close();
        var (read, write) = Posix.OpenPipe();
        try
        {
            int pid = Posix.Spawn(spawner.PrepareCheck(generation, envDir, command, write));
            Posix.SetNonBlocking(read);
            (_pid, _outputFd) = (pid, read);
            _output.Clear();
            loop.Watch(read, Drain);
            return pid;
        }
        catch
        {
            Posix.Close(read);
            throw;
        }
        finally
        {
            Posix.Close(write);
        }
    }

    public CheckFinished? Finished(int pid, WaitStatus status, bool groupRemains)
    {
        if (pid != _pid || pid == 0)
            return null;
        // What it wrote before it exited; a child of its that still holds the pipe is not waited for.
        Drain();
        Close();
        _pid = 0;
        return new CheckFinished(pid, status, Tail(), groupRemains);
    }

    private void Drain()
    {
        if (_outputFd < 0)
            return;
        Span<byte> buffer = stackalloc byte[4096];
        int n;
        while ((n = Posix.ReadAvailable(_outputFd, buffer)) > 0)
        {
            _output.AddRange(buffer[..n]);
            if (_output.Count > KeptBytes)
                _output.RemoveRange(0, _output.Count - KeptBytes);
        }
        if (n == 0)
            Close();
    }

    /// <summary>The last few lines, on one line and printable: what a log line, STATUS= and --restart can carry.</summary>
    private string Tail()
    {
        var lines = Encoding.UTF8.GetString([.. _output]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(ReportedLines).Select(l => PrintableText.Escape(l)));
    }

    private void Close()
    {
        if (_outputFd < 0)
            return;
        loop.Unwatch(_outputFd);
        Posix.Close(_outputFd);
        _outputFd = -1;
    }

    public void Dispose() => Close();
}
