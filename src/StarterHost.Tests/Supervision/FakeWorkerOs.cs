using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Supervision;
using StarterHost.Workers;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// The OS seam without an OS, as tableflip's testEnv: spawns hand out pids, signals are recorded, and what a worker
/// does (the exec helper's exec, READY=1, STATUS=, its exit) happens when the test says so, as the events the real
/// one reads from its pipes and sockets. Spawns go through the exec helper, as they do by default in production;
/// <see cref="ThroughExecHelper"/> false is the direct path of --no-death-signal.
/// </summary>
internal sealed class FakeWorkerOs : IWorkerOs
{
    private readonly Queue<ChildExit> _exited = new();
    private readonly List<int> _awaitingExec = [];
    private int _nextPid = 100;

    /// <summary>The pid the next spawn hands out (then every hundredth): another image's fake must not hand out its workers' pids again.</summary>
    public int NextPid
    {
        get => _nextPid;
        set => _nextPid = value;
    }

    /// <summary>Whether spawns go through the exec helper, whose exec the test reports (<see cref="Exec"/>).</summary>
    public bool ThroughExecHelper { get; set; } = true;

    /// <summary>The supervisor's <see cref="Supervisor.Deliver"/>: where what a worker says goes.</summary>
    public Action<StarterEvent> Deliver { get; set; } = _ => throw new InvalidOperationException("no supervisor to deliver to");

    /// <summary>Every spawn attempt, by generation.</summary>
    public List<int> Spawned { get; } = [];

    /// <summary>Every spawn attempt: (generation, slot, pid handed out or 0).</summary>
    public List<(int Generation, int Slot, int Pid)> Spawns { get; } = [];

    /// <summary>What the envdir said for each spawn attempt.</summary>
    public List<IReadOnlyDictionary<string, string>?> EnvDirs { get; } = [];

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

    public SpawnedWorker Spawn(int generation, int slot, IReadOnlyDictionary<string, string>? envDir)
    {
        Spawned.Add(generation);
        EnvDirs.Add(envDir);
        if (SpawnThrows is { } e)
        {
            Spawns.Add((generation, slot, 0));
            throw e;
        }
        int pid = _nextPid;
        _nextPid += 100;
        Spawns.Add((generation, slot, pid));
        LiveGroups.Add(pid);
        if (ThroughExecHelper)
            _awaitingExec.Add(pid);
        return new SpawnedWorker(pid, AwaitsExec: ThroughExecHelper);
    }

    /// <summary>The exec helper of <paramref name="pid"/> became the worker's program, or could not (<paramref name="failure"/>).</summary>
    public void Exec(int pid, string? failure = null, bool permanent = false)
    {
        Assert.True(_awaitingExec.Remove(pid), $"{pid} is no exec helper waiting to exec");
        Deliver(new WorkerExecuted(pid, failure, permanent));
    }

    /// <summary>Every exec helper spawned so far execs its worker, in the order they were spawned.</summary>
    public void ExecAll()
    {
        foreach (int pid in _awaitingExec.ToList())
            Exec(pid);
    }

    /// <summary>The worker's sd_notify datagram: READY=1, STATUS= or both.</summary>
    public void Notify(int pid, bool ready = true, string? status = null) => Deliver(new WorkerNotified(pid, ready, status));

    /// <summary>The worker's WATCHDOG=1 (or WATCHDOG=trigger) datagram, as WorkerNotifications hands it on.</summary>
    public void Watchdog(int pid, WatchdogMessage message = WatchdogMessage.Ping) => Deliver(new WorkerNotified(pid, false, null, Watchdog: message));

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
        _awaitingExec.Remove(pid);
        _exited.Enqueue(new ChildExit(pid, new WaitStatus(status), groupRemains));
        OnChildExit?.Invoke();
    }
}
