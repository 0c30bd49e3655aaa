using Microsoft.Extensions.Time.Testing;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Supervision;
using StarterHost.Workers;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// The OS seam without an OS, as tableflip's testEnv: spawns hand out pids, signals are recorded, exits
/// and time happen when the test says so.
/// </summary>
internal sealed class FakeWorkerOs(RuntimeSettings settings) : IWorkerOs
{
    private readonly Queue<ChildExit> _exited = new();
    private int _nextPid = 100;

    public FakeTimeProvider Clock { get; } = new();
    public TimeProvider Time => Clock;

    /// <summary>Every spawn attempt, by generation.</summary>
    public List<int> Spawned { get; } = [];

    /// <summary>Every spawn attempt: (generation, slot, pid handed out or 0).</summary>
    public List<(int Generation, int Slot, int Pid)> Spawns { get; } = [];

    /// <summary>Resident memory the workers report, in bytes; a pid not here has none (gone).</summary>
    public Dictionary<int, long> Memory { get; } = [];

    /// <summary>Memory reads asked for, by pid.</summary>
    public List<int> MemoryReads { get; } = [];

    /// <summary>Every signal sent: (pid or pgid, signal, to the group).</summary>
    public List<(int Pid, int Signal, bool Group)> Signals { get; } = [];

    /// <summary>Process groups that still have members.</summary>
    public HashSet<int> LiveGroups { get; } = [];

    /// <summary>When set, spawns throw this.</summary>
    public Exception? SpawnThrows { get; set; }

    /// <summary>Signals to these pids fail as kill(2) would with EPERM.</summary>
    public HashSet<int> Unsignallable { get; } = [];

    /// <summary>Called when a child exits: the supervisor's SIGCHLD.</summary>
    public Action? OnChildExit { get; set; }

    public SpawnedWorker Spawn(int generation, int slot)
    {
        Spawned.Add(generation);
        if (SpawnThrows is { } e)
        {
            Spawns.Add((generation, slot, 0));
            throw e;
        }
        int pid = _nextPid;
        _nextPid += 100;
        Spawns.Add((generation, slot, pid));
        LiveGroups.Add(pid);
        return new SpawnedWorker(pid, settings, AwaitsExec: false);
    }

    public long? ResidentMemory(int pid)
    {
        MemoryReads.Add(pid);
        return Memory.TryGetValue(pid, out long bytes) ? bytes : null;
    }

    public bool Signal(int pid, int signal)
    {
        if (Unsignallable.Contains(pid))
            throw new PosixException($"kill({pid}, {signal})", Libc.EPERM);
        Signals.Add((pid, signal, false));
        return true;
    }

    public bool SignalGroup(int pgid, int signal)
    {
        Signals.Add((pgid, signal, true));
        return LiveGroups.Contains(pgid);
    }

    public bool GroupExists(int pgid) => LiveGroups.Contains(pgid);

    public IReadOnlyList<ChildExit> Reap()
    {
        var exits = _exited.ToList();
        _exited.Clear();
        return exits;
    }

    /// <summary>A child exits; <paramref name="groupRemains"/> keeps its process group alive.</summary>
    public void Exit(int pid, int status = 0, bool groupRemains = false)
    {
        if (!groupRemains)
            LiveGroups.Remove(pid);
        _exited.Enqueue(new ChildExit(pid, new WaitStatus(status), groupRemains));
        OnChildExit?.Invoke();
    }
}
