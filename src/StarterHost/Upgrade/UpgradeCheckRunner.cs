using System.Text;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Logging;
using StarterHost.Signals;
using StarterHost.Workers;

namespace StarterHost.Upgrade;

/// <summary>
/// The old image's side of the preflight: runs the new file with <see cref="UpgradeCheck.Flag"/> as a child, in a
/// process group of its own, with the state it would be handed (a sealed memfd on fd 3) and its output in a pipe,
/// read once it has been reaped. Loop thread only.
/// </summary>
internal sealed class UpgradeCheckRunner(ImageLocation location)
{
    private const int CheckFd = 3;
    private int _pid;
    private int _attempt;
    private int _outputFd = -1;
    private readonly List<byte> _output = [];

    public string Executable => location.Executable;

    /// <exception cref="PosixException">The file could not be executed (missing, not executable, not a program).</exception>
    public void Start(int attempt, ReadOnlySpan<byte> state)
    {
        Close();
        int memfd = StateHandoff.Write(StateSnapshot.CurrentSchema, state);
        var (read, write) = Posix.OpenPipe();
        try
        {
            var environment = UpgradeEnvironment.Without(location.Environment).Append($"{StateHandoff.Variable}={CheckFd}");
            _pid = Posix.Spawn(new SpawnRequest(location.Executable, [.. location.Arguments.Take(location.ProgramLength), UpgradeCheck.Flag],
                [.. environment], [(memfd, CheckFd), (write, 1), (write, 2)], NewProcessGroup: true));
            _attempt = attempt;
            Posix.SetNonBlocking(read);
            _outputFd = read;
            _output.Clear();
        }
        catch
        {
            Posix.Close(read);
            throw;
        }
        finally
        {
            Posix.Close(write);
            Posix.Close(memfd);
        }
    }

    /// <summary>The check of <paramref name="attempt"/> took too long: its whole group is killed.</summary>
    public void Stop(int attempt)
    {
        if (attempt == _attempt && _pid > 0)
            Posix.SendGroupSignal(_pid, SignalNames.Kill);
    }

    /// <summary>The check's result, when <paramref name="pid"/> is the check; else null.</summary>
    public UpgradeCheckFinished? Finished(int pid, WaitStatus status)
    {
        if (pid != _pid || pid == 0)
            return null;
        _pid = 0;
        Drain();
        Close();
        string last = Encoding.UTF8.GetString([.. _output]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => PrintableText.Escape(line)).LastOrDefault() ?? "";
        if (status is { Exited: true, ExitCode: 0 } && UpgradeCheck.VersionIn(last) is { } version)
            return new UpgradeCheckFinished(_attempt, version, null);
        string said = last.Length > 0 ? $": {last}" : "";
        return new UpgradeCheckFinished(_attempt, null, $"{location.Executable} {UpgradeCheck.Flag} failed with status:{status.Describe()}{said}");
    }

    private void Drain()
    {
        if (_outputFd < 0)
            return;
        Span<byte> buffer = stackalloc byte[4096];
        int n;
        while ((n = Posix.ReadAvailable(_outputFd, buffer)) > 0 && _output.Count < 65536)
            _output.AddRange(buffer[..n]);
    }

    private void Close()
    {
        if (_outputFd < 0)
            return;
        Posix.Close(_outputFd);
        _outputFd = -1;
    }
}
