using System.Diagnostics;
using StarterHost.Configuration;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Status;

namespace StarterHost.Client;

/// <summary>
/// <c>--stop</c>: sends SIGTERM to the superdaemon named in the pid file and waits until it has
/// released the file's lock, i.e. until its workers are gone and it has exited.
/// </summary>
internal static class StopClient
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static void Run(StarterOptions options, TextWriter output)
    {
        string pidFile = options.PidFile!;
        using var handle = OpenPidFile(pidFile);
        int pid = PidFile.ReadPid(pidFile) ?? throw new ClientFailure($"failed to read a pid from {pidFile}");
        output.WriteLine($"stop_server (pid:{Posix.CurrentPid}) stopping now (pid:{pid})...");
        if (!Posix.SendSignal(pid, SignalNames.Term))
            throw new ClientFailure($"failed to send SIGTERM to the server process {pid}: no such process");

        if (options.Timeout <= 0)
        {
            Posix.TryLockExclusive(handle, pidFile, wait: true);
            return;
        }
        // flock(2) has no timeout: poll the non-blocking form until the deadline.
        var clock = Stopwatch.StartNew();
        while (!Posix.TryLockExclusive(handle, pidFile, wait: false))
        {
            if (clock.Elapsed >= TimeSpan.FromSeconds(options.Timeout))
                throw new ClientFailure($"the server process {pid} did not exit within {options.Timeout} s");
            Thread.Sleep(PollInterval);
        }
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenPidFile(string path)
    {
        if (!File.Exists(path))
            throw new ClientFailure($"failed to open file:{path}: no such file");
        try
        {
            // Read-only and never created: the client only waits for the server's lock.
            return Posix.OpenReadOnly(path);
        }
        catch (PosixException e)
        {
            throw new ClientFailure($"failed to open file:{path}: {e.Message}");
        }
    }
}
