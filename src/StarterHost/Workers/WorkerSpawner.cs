using System.Globalization;
using Microsoft.Extensions.Logging;
using StarterHost.Configuration;
using StarterHost.Environment;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Listening;
using StarterHost.Logging;

namespace StarterHost.Workers;

/// <summary>Starts worker processes with the listeners and environment of their generation, and reaps them.</summary>
internal sealed class WorkerSpawner(
    StarterOptions options,
    ListenerRegistry listeners,
    WorkerEnvironment environment,
    ILogger<WorkerSpawner> logger)
{
    /// <summary>
    /// Re-reads the envdir, spawns the worker and starts its reaper, which reports the exit to
    /// <paramref name="onExit"/>. Throws <see cref="PosixException"/> or
    /// <see cref="CommandNotExecutableException"/> when no process could be started.
    /// </summary>
    public (int Pid, RuntimeSettings Settings) Spawn(int generation, Action<int, WaitStatus> onExit)
    {
        var variables = environment.Compose(ReadEnvDir());
        variables[WorkerEnvironment.PortVariable] = listeners.EnvironmentValue;
        variables[WorkerEnvironment.GenerationVariable] = generation.ToString(CultureInfo.InvariantCulture);
        var settings = environment.SettingsFrom(variables);

        string path = CommandResolver.Resolve(options.Command[0], variables.GetValueOrDefault("PATH"), options.Dir);
        int pid = Posix.Spawn(new SpawnRequest(
            path,
            options.Command,
            [.. variables.Select(v => $"{v.Key}={v.Value}")],
            listeners.Descriptors,
            options.Dir));
        Log.StartingNewWorker(logger, pid, generation);
        Reaper.Watch(pid, onExit);
        return (pid, settings);
    }

    private IReadOnlyDictionary<string, string>? ReadEnvDir()
    {
        if (environment.EnvDir is not { } dir)
            return null;
        try
        {
            return EnvDirReader.Read(dir);
        }
        catch (IOException e)
        {
            // Server::Starter: a missing envdir adds nothing. Say so, and keep serving.
            Log.EnvDirUnreadable(logger, dir, e.Message);
            return null;
        }
    }
}
