using Microsoft.Extensions.Logging;
using StarterHost.Configuration;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Readiness;
using StarterHost.Workers;

namespace StarterHost.Supervision;

/// <summary>
/// The real <see cref="IWorkerOs"/>: posix_spawn, kill(2), waitpid(-1), and with notify readiness a
/// NOTIFY_SOCKET per worker, watched by the event loop (<see cref="WorkerNotifications"/>). Used from the loop
/// thread only: what it reads (exec reports, datagrams) it hands to <paramref name="deliver"/> on that thread.
/// </summary>
internal sealed class OsWorkers(
    StarterOptions options,
    WorkerSpawner spawner,
    NotifyDirectory notifyDirectory,
    EventLoop loop,
    LoopTimers timers,
    ILogger logger,
    Action<StarterEvent> deliver) : IWorkerOs, IDisposable
{
    private readonly Dictionary<int, WorkerNotifications> _notifySockets = [];
    private readonly Dictionary<int, int> _execReports = [];
    private readonly Dictionary<int, string> _execFailures = [];

    public SpawnedWorker Spawn(int generation, int slot, IReadOnlyDictionary<string, string>? envDir)
    {
        // A socket of its own for READY=1, and for WATCHDOG=1 whatever the readiness.
        var socket = options.Readiness == ReadinessMode.Notify || options.WorkerWatchdog > 0 ? notifyDirectory.Open(generation, slot) : null;
        (int Read, int Write)? report = null;
        try
        {
            report = spawner.UsesExecHelper ? Posix.OpenPipe() : null;
            int pid = SpawnAsExecvpWould(spawner.Prepare(generation, slot, envDir, socket?.Path, report?.Write));
            if (socket is not null)
            {
                var notifications = new WorkerNotifications(pid, socket, timers, logger, deliver);
                _notifySockets[pid] = notifications;
                loop.Watch(notifications.Fd, notifications.Receive);
            }
            if (report is { Read: var read })
            {
                _execReports[pid] = read;
                loop.Watch(read, () => ReadExecReport(pid, read));
            }
            return new SpawnedWorker(pid, AwaitsExec: report is not null);
        }
        catch
        {
            socket?.Dispose();
            if (report is { Read: var read })
                Posix.Close(read);
            throw;
        }
        finally
        {
            if (report is { Write: var write })
                Posix.Close(write);
        }
    }

    /// <summary>The live workers' notify sockets, for an upgrade in place to hand over.</summary>
    public IReadOnlyList<Upgrade.CarriedNotifySocket> CarriedNotifySockets =>
        [.. _notifySockets.Select(n => new Upgrade.CarriedNotifySocket(n.Key, n.Value.Fd, n.Value.Path))];

    public string? NotifyDirectoryPath => notifyDirectory.Location;

    /// <summary>In the image an upgrade started: the notify directory and the sockets of the workers the old image spawned.</summary>
    public void Adopt(string? directory, IEnumerable<Upgrade.CarriedNotifySocket> sockets)
    {
        if (directory is not null)
            notifyDirectory.Adopt(directory);
        foreach (var carried in sockets)
        {
            var notifications = new WorkerNotifications(carried.Pid, new NotifySocket(carried.Path, carried.Fd), timers, logger, deliver);
            _notifySockets[carried.Pid] = notifications;
            loop.Watch(notifications.Fd, notifications.Receive);
        }
    }

    /// <summary>
    /// posix_spawn has no execvp(3) fallback for a text file without #! (glibc dropped it): without the exec helper
    /// the failure comes back here, and the file is spawned through /bin/sh instead (see <see cref="ShellScript"/>).
    /// </summary>
    private static int SpawnAsExecvpWould(SpawnRequest request)
    {
        try
        {
            return Posix.Spawn(request);
        }
        catch (PosixException e) when (e.Errno == Libc.ENOEXEC && ShellScript.Command(request.Path, request.Arguments, request.WorkingDirectory) is { } shell)
        {
            return Posix.Spawn(request with { Path = shell.Path, Arguments = shell.Arguments });
        }
    }

    /// <summary>
    /// The exec helper's pipe: end of file once it exec'd the worker; a reason first if it could not. Returns what
    /// read(2) did: bytes read, 0 at the end (reported), -1 when nothing more is there yet.
    /// </summary>
    private int ReadExecReport(int pid, int fd)
    {
        Span<byte> buffer = stackalloc byte[1024];
        int n = Posix.ReadAvailable(fd, buffer);
        if (n > 0)
            _execFailures[pid] = (_execFailures.GetValueOrDefault(pid) ?? "") + System.Text.Encoding.UTF8.GetString(buffer[..n]);
        if (n != 0)
            return n;
        loop.Unwatch(fd);
        Posix.Close(fd);
        _execReports.Remove(pid);
        if (_execFailures.Remove(pid, out string? report))
        {
            var (errno, message) = ExecHelper.ParseReport(report);
            deliver(new WorkerExecuted(pid, ExecFailure.Describe(message, errno), ExecFailure.IsPermanent(errno)));
        }
        else
        {
            deliver(new WorkerExecuted(pid));
        }
        return 0;
    }

    public bool Signal(int pid, int signal) => Posix.SendSignal(pid, signal);

    public bool SignalGroup(int pgid, int signal) => Posix.SendGroupSignal(pgid, signal);

    public bool GroupExists(int pgid) => Posix.GroupExists(pgid);

    public long? ResidentMemory(int pid) => ResidentMemoryReader.Read(pid);

    public IReadOnlyList<ChildExit> Reap()
    {
        var exits = new List<ChildExit>();
        while (Posix.TryReapAny(out int pid, out int status))
        {
            // Reaped: its number is free again, but its group's number stays taken while the group has members.
            exits.Add(new ChildExit(pid, new WaitStatus(status), Posix.GroupExists(pid)));
            // A helper that could not exec reports why, then exits: its report is the machine's before its exit,
            // whichever the loop noticed first (delivered now, it is applied ahead of the exits reaped here).
            if (_execReports.TryGetValue(pid, out int report))
            {
                while (ReadExecReport(pid, report) > 0)
                {
                }
            }
            if (_notifySockets.Remove(pid, out var notifications))
            {
                loop.Unwatch(notifications.Fd);
                notifications.Close();
            }
        }
        return exits;
    }

    public void Dispose()
    {
        foreach (var notifications in _notifySockets.Values)
            notifications.Dispose();
        _notifySockets.Clear();
        foreach (int fd in _execReports.Values)
            Posix.Close(fd);
        _execReports.Clear();
        notifyDirectory.Dispose();
    }
}
