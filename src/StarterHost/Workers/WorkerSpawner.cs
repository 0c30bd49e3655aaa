using System.Globalization;
using StarterHost.Configuration;
using StarterHost.Environment;
using StarterHost.Hosting;
using StarterHost.Interop;
using StarterHost.Listening;
using StarterHost.Signals;

namespace StarterHost.Workers;

/// <summary>What a worker is started with: its program, argv, environment, listeners and working directory.</summary>
internal sealed class WorkerSpawner(
    StarterOptions options,
    ListenerRegistry listeners,
    WorkerEnvironment environment)
{
    private readonly string[] _helper = UsesExecHelperFor(options) ? ExecHelperCommand.Get() : [];
    private readonly int _ownPid = Posix.CurrentPid;
    private readonly int _deathSignal = DeathSignalFor(options);
    private string[]? _listenFdNames;

    /// <summary>
    /// Whether spawns go through the exec helper (and so report their exec on a pipe): for the death
    /// signal, and for what only the worker's own process can do (LISTEN_PID, an identity switch) even
    /// with --no-death-signal.
    /// </summary>
    public bool UsesExecHelper => _helper.Length > 0;

    private static bool UsesExecHelperFor(StarterOptions options) =>
        options.DeathSignal || options.ListenFds || options.User is not null || options.Group is not null || options.WorkerWatchdog > 0;

    /// <summary>What a worker gets when StarterHost dies (PR_SET_PDEATHSIG): SignalOnTerm, or 0 for none.</summary>
    private static int DeathSignalFor(StarterOptions options)
    {
        int signal = 0;
        if (options.DeathSignal)
            SignalNames.TryParse(options.SignalOnTerm, out signal);
        return signal;
    }

    /// <summary>LISTEN_FDNAMES, checked against the listeners once they are bound.</summary>
    /// <exception cref="StartupException">--listen-fdnames does not name each listener validly.</exception>
    public string[] ListenFdNames() => _listenFdNames ??= Listening.ListenFdNames.For(options.ListenFdNames, listeners.Keys);

    /// <summary>
    /// Composes the spawn of <paramref name="generation"/>'s worker for <paramref name="slot"/>, with what the envdir
    /// said when it was read for it (<paramref name="envDir"/>), leading a process group of its own; through the exec
    /// helper (see <see cref="UsesExecHelper"/>), which reports its exec by closing <paramref name="execReport"/> (the
    /// write end of a pipe). Throws <see cref="CommandNotExecutableException"/> when the command cannot be found.
    /// </summary>
    public SpawnRequest Prepare(int generation, int slot, IReadOnlyDictionary<string, string>? envDir, string? notifySocket, int? execReport)
    {
        var variables = Variables(generation, envDir);
        // With one worker the environment stays start_server's, byte for byte. A slot TTIN added has it too.
        if (options.Workers > 1 || slot > 0)
            variables[WorkerEnvironment.WorkerVariable] = slot.ToString(CultureInfo.InvariantCulture);
        if (notifySocket is not null)
            variables[Systemd.SystemdEnvironment.NotifySocket] = notifySocket;
        // sd_watchdog_enabled(3): the period, and WATCHDOG_PID (set by the helper) so that only the worker itself, not a child it runs, pings.
        if (options.WorkerWatchdog > 0)
            variables[Systemd.SystemdEnvironment.WatchdogUsec] = ((long)(options.WorkerWatchdog * 1_000_000)).ToString(CultureInfo.InvariantCulture);
        if (options.ListenFds)
        {
            // sd_listen_fds(3): the sockets at 3 upward (DescriptorPlan put them there), LISTEN_PID set by the helper.
            variables[Systemd.SystemdEnvironment.ListenFds] = listeners.Count.ToString(CultureInfo.InvariantCulture);
            variables[Systemd.SystemdEnvironment.ListenFdNames] = string.Join(':', ListenFdNames());
        }

        string path = CommandResolver.Resolve(options.Command[0], variables.GetValueOrDefault("PATH"), options.Dir);
        var descriptors = listeners.Descriptors;
        // Newer Microsoft.Extensions.Hosting.Systemd takes SYSTEMD_EXEC_PID equal to its own pid as "I am
        // the service" and then sends READY=1 itself: wanted with notify readiness, and only then.
        string[] pidVariables =
        [
            .. notifySocket is not null && options.Readiness == Generations.ReadinessMode.Notify ? [Systemd.SystemdEnvironment.ExecPid] : Array.Empty<string>(),
            .. options.ListenFds ? [Systemd.SystemdEnvironment.ListenPid] : Array.Empty<string>(),
            .. options.WorkerWatchdog > 0 ? [Systemd.SystemdEnvironment.WatchdogPid] : Array.Empty<string>(),
        ];
        // Above every listener, where the worker would not look; the helper closes it as it execs.
        int reportFd = descriptors.Select(d => d.ChildFd).DefaultIfEmpty(2).Max() + 1;
        if (UsesExecHelper && execReport is { } report)
            descriptors = [.. descriptors, (report, reportFd)];
        var (program, argv) = ThroughHelper(path, options.Command, pidVariables, execReport is null ? null : reportFd);
        return new SpawnRequest(program, argv, [.. variables.Select(v => $"{v.Key}={v.Value}")], descriptors, options.Dir, NewProcessGroup: true);
    }

    /// <summary>
    /// The spawn of <c>--check-command</c> before a restart to <paramref name="generation"/>: /bin/sh -c, in the
    /// worker's environment, directory and identity, without the listeners, stdout and stderr to <paramref name="outputFd"/>.
    /// </summary>
    public SpawnRequest PrepareCheck(int generation, IReadOnlyDictionary<string, string>? envDir, string command, int outputFd)
    {
        var variables = Variables(generation, envDir);
        var (program, argv) = ThroughHelper("/bin/sh", ["/bin/sh", "-c", command], [], null);
        return new SpawnRequest(program, argv, [.. variables.Select(v => $"{v.Key}={v.Value}")], [(outputFd, 1), (outputFd, 2)], options.Dir, NewProcessGroup: true);
    }

    /// <summary>StarterHost's environment, the envdir as read for this spawn, SERVER_STARTER_PORT and SERVER_STARTER_GENERATION.</summary>
    private SortedDictionary<string, string> Variables(int generation, IReadOnlyDictionary<string, string>? envDir)
    {
        var variables = environment.Compose(envDir);
        variables[WorkerEnvironment.PortVariable] = listeners.EnvironmentValue;
        variables[WorkerEnvironment.GenerationVariable] = generation.ToString(CultureInfo.InvariantCulture);
        return variables;
    }

    /// <summary>The program and argv that run <paramref name="path"/>: itself, or the exec helper that becomes it.</summary>
    private (string Program, IReadOnlyList<string> Argv) ThroughHelper(string path, IReadOnlyList<string> argv, string[] pidVariables, int? reportFd)
    {
        if (!UsesExecHelper)
            return (path, argv);
        return (_helper[0], ExecHelper.Arguments(_helper, _deathSignal, _ownPid, pidVariables, reportFd, options.User, options.Group, path, argv));
    }
}
