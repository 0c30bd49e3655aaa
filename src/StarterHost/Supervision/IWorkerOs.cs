using StarterHost.Generations;
using StarterHost.Workers;

namespace StarterHost.Supervision;

/// <summary>
/// A worker just spawned. <paramref name="AwaitsExec"/>: it was spawned through the exec helper, whose exec of
/// the worker's program is reported later (<see cref="WorkerExecuted"/>); until then it is not the worker yet.
/// </summary>
internal readonly record struct SpawnedWorker(int Pid, bool AwaitsExec);

/// <summary>A reaped child: its pid and wait status, and whether its process group still has members.</summary>
internal readonly record struct ChildExit(int Pid, WaitStatus Status, bool GroupRemains);

/// <summary>
/// The supervisor's way to the operating system's processes, as cloudflare/tableflip's <c>env</c>: spawning,
/// signalling, reaping (its clock is the <see cref="LoopTimers"/>' own). <see cref="OsWorkers"/> is the real one; tests use a fake, so that spawning,
/// signalling, deadlines and readiness are tested without a process. What is not about workers (status files, the
/// service manager, the log file, the envdir) goes through <see cref="IServiceOs"/>.
/// </summary>
internal interface IWorkerOs
{
    /// <summary>
    /// Starts the worker of <paramref name="generation"/> for <paramref name="slot"/>, leading a process group of its
    /// own, with what the envdir said when it was read for this spawn (<paramref name="envDir"/>). What the worker then
    /// reports comes back as events: the exec helper's exec (<see cref="WorkerExecuted"/>, when <see cref="SpawnedWorker.AwaitsExec"/>)
    /// and, with notify readiness, its sd_notify datagrams (<see cref="WorkerNotified"/>). Throws when no process could be started.
    /// </summary>
    SpawnedWorker Spawn(int generation, int slot, IReadOnlyDictionary<string, string>? envDir);

    /// <summary>kill(2); false when the process is gone. The supervisor signals only children it has not reaped.</summary>
    bool Signal(int pid, int signal);

    /// <summary>kill(2) of a whole process group; false when it has no member left.</summary>
    bool SignalGroup(int pgid, int signal);

    bool GroupExists(int pgid);

    /// <summary>A worker's resident memory in bytes (VmRSS), or null when it has none left (exited, a zombie).</summary>
    long? ResidentMemory(int pid);

    /// <summary>Reaps every child that has exited, workers and inherited orphans alike, without blocking.</summary>
    IReadOnlyList<ChildExit> Reap();
}
