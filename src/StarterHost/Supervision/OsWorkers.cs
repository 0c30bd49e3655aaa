using StarterHost.Configuration;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Readiness;
using StarterHost.Workers;

namespace StarterHost.Supervision;

/// <summary>
/// The real <see cref="IWorkerOs"/>: posix_spawn, kill(2), waitpid(-1), and with notify readiness a
/// NOTIFY_SOCKET per worker, watched by the event loop. Used from the loop thread only.
/// </summary>
internal sealed class OsWorkers(
    StarterOptions options,
    WorkerSpawner spawner,
    NotifyDirectory notifyDirectory,
    EventLoop loop,
    Action<StarterEvent> post) : IWorkerOs, IDisposable
{
    private readonly Dictionary<int, NotifySocket> _notifySockets = [];

    public TimeProvider Time => TimeProvider.System;

    public (int Pid, RuntimeSettings Settings) Spawn(int generation)
    {
        var socket = options.Readiness == ReadinessMode.Notify ? notifyDirectory.Open(generation) : null;
        try
        {
            var (request, settings) = spawner.Prepare(generation, socket?.Path);
            int pid = Posix.Spawn(request);
            if (socket is not null)
            {
                _notifySockets[pid] = socket;
                loop.Watch(socket.Fd, () => Deliver(pid, socket));
            }
            return (pid, settings);
        }
        catch
        {
            socket?.Dispose();
            throw;
        }
    }

    private void Deliver(int pid, NotifySocket socket)
    {
        foreach (var message in socket.ReceiveAll())
            post(new WorkerNotified(pid, message.Ready, message.Status));
    }

    public bool Signal(int pid, int signal) => Posix.SendSignal(pid, signal);

    public bool SignalGroup(int pgid, int signal) => Posix.SendGroupSignal(pgid, signal);

    public bool GroupExists(int pgid) => Posix.GroupExists(pgid);

    public IReadOnlyList<ChildExit> Reap()
    {
        var exits = new List<ChildExit>();
        while (Posix.TryReapAny(out int pid, out int status))
        {
            // Reaped: its number is free again, but its group's number stays taken while the group has members.
            exits.Add(new ChildExit(pid, new WaitStatus(status), Posix.GroupExists(pid)));
            if (_notifySockets.Remove(pid, out var socket))
            {
                // What it said before it went still counts (READY=1 right before exiting, say).
                Deliver(pid, socket);
                loop.Unwatch(socket.Fd);
                socket.Dispose();
            }
        }
        return exits;
    }

    public void Dispose()
    {
        foreach (var socket in _notifySockets.Values)
            socket.Dispose();
        _notifySockets.Clear();
        notifyDirectory.Dispose();
    }
}
