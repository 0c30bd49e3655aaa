using StarterHost.Generations;
using StarterHost.Workers;

namespace StarterHost.Supervision;

/// <summary>The check command's process (<c>--check-command</c>), as the supervisor starts it and recognises its exit among the reaped children.</summary>
internal interface ICheckRunner
{
    /// <summary>
    /// Starts the check before a restart to <paramref name="generation"/>, in the environment a worker would get with
    /// the envdir as just read (<paramref name="envDir"/>); returns its pid. Throws when it cannot start.
    /// </summary>
    int Start(int generation, IReadOnlyDictionary<string, string>? envDir);

    /// <summary>When <paramref name="pid"/> is the check's: its end, with the last of its output; otherwise null.</summary>
    CheckFinished? Finished(int pid, WaitStatus status, bool groupRemains);
}
