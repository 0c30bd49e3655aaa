using System.Globalization;
using Microsoft.Extensions.Logging;
using StarterHost.Configuration;
using StarterHost.Environment;
using StarterHost.Generations;
using StarterHost.Hosting;
using StarterHost.Interop;
using StarterHost.Listening;
using StarterHost.Logging;
using StarterHost.Signals;

namespace StarterHost.Workers;

/// <summary>What a worker is started with: its program, argv, environment, listeners and working directory.</summary>
internal sealed class WorkerSpawner(
    StarterOptions options,
    ListenerRegistry listeners,
    WorkerEnvironment environment,
    ILogger<WorkerSpawner> logger)
{
    private readonly string[] _self = UsesExecHelperFor(options) ? SelfCommand.Get() : [];
    private readonly int _ownPid = Posix.CurrentPid;
    private string[]? _listenFdNames;

    /// <summary>
    /// Whether spawns go through the exec helper (and so report their exec on a pipe): for the death
    /// signal, and for what only the worker's own process can do (LISTEN_PID, an identity switch) even
    /// with --no-death-signal.
    /// </summary>
    public bool UsesExecHelper => _self.Length > 0;

    private static bool UsesExecHelperFor(StarterOptions options) =>
        options.DeathSignal || options.ListenFds || options.User is not null || options.Group is not null;

    /// <summary>LISTEN_FDNAMES, checked against the listeners once they are bound.</summary>
    /// <exception cref="StartupException">--listen-fdnames does not name each listener validly.</exception>
    public string[] ListenFdNames() => _listenFdNames ??= Listening.ListenFdNames.For(options.ListenFdNames, listeners.Keys);

    /// <summary>
    /// Re-reads the envdir and composes the spawn of <paramref name="generation"/>'s worker, leading a
    /// process group of its own; through the exec helper (see <see cref="UsesExecHelper"/>), which reports
    /// its exec by closing <paramref name="execReport"/> (the write end of a pipe).
    /// Throws <see cref="CommandNotExecutableException"/> when the command cannot be found.
    /// </summary>
    public (SpawnRequest Request, RuntimeSettings Settings) Prepare(int generation, string? notifySocket, int? execReport)
    {
        var variables = environment.Compose(ReadEnvDir());
        variables[WorkerEnvironment.PortVariable] = listeners.EnvironmentValue;
        variables[WorkerEnvironment.GenerationVariable] = generation.ToString(CultureInfo.InvariantCulture);
        if (notifySocket is not null)
            variables[Systemd.SystemdEnvironment.NotifySocket] = notifySocket;
        if (options.ListenFds)
        {
            // sd_listen_fds(3): the sockets at 3 upward (DescriptorPlan put them there), LISTEN_PID set by the helper.
            variables[Systemd.SystemdEnvironment.ListenFds] = listeners.Keys.Count.ToString(CultureInfo.InvariantCulture);
            variables[Systemd.SystemdEnvironment.ListenFdNames] = string.Join(':', ListenFdNames());
        }
        var settings = environment.SettingsFrom(variables);

        string path = CommandResolver.Resolve(options.Command[0], variables.GetValueOrDefault("PATH"), options.Dir);
        IReadOnlyList<string> argv = options.Command;
        var descriptors = listeners.Descriptors;
        if (UsesExecHelper)
        {
            int deathSignal = 0;
            if (options.DeathSignal)
                SignalNames.TryParse(options.SignalOnTerm, out deathSignal);
            // Newer Microsoft.Extensions.Hosting.Systemd takes SYSTEMD_EXEC_PID equal to its own pid as "I am
            // the service" and then sends READY=1 itself: wanted with notify readiness, and only then.
            string[] pidVariables =
            [
                .. notifySocket is null ? Array.Empty<string>() : [Systemd.SystemdEnvironment.ExecPid],
                .. options.ListenFds ? [Systemd.SystemdEnvironment.ListenPid] : Array.Empty<string>(),
            ];
            // Above every listener, where the worker would not look; the helper closes it as it execs.
            int reportFd = descriptors.Select(d => d.ChildFd).DefaultIfEmpty(2).Max() + 1;
            if (execReport is { } report)
                descriptors = [.. descriptors, (report, reportFd)];
            argv = ExecHelper.Arguments(_self, deathSignal, _ownPid, pidVariables, execReport is null ? null : reportFd,
                options.User, options.Group, path, options.Command);
            path = _self[0];
        }
        var request = new SpawnRequest(
            path,
            argv,
            [.. variables.Select(v => $"{v.Key}={v.Value}")],
            descriptors,
            options.Dir,
            NewProcessGroup: true);
        return (request, settings);
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
