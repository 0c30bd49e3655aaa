using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace StarterHost.Tests.Support;

/// <summary>
/// StarterHost installed in a <see cref="SystemdContainer"/> as its <c>.deb</c> installs it (deploy/release,
/// deploy/debian): the shipped units in /lib/systemd/system running /usr/bin/starterhost (here, a link to
/// the tests' build), the example configuration in /etc/starterhost/appsettings.json, edited as an operator
/// would, and the package's postinst run (the starterhost user, daemon-reload). The worker is Debian's gunicorn
/// serving Workers/systemd_wsgi.py, with --readiness=notify, an envdir the tests write and both sockets of
/// starterhost.socket (--listen-fds), which is enabled with the service, as the package's description says to.
/// </summary>
public sealed class InstalledStarterHost : IDisposable
{
    internal const string Service = "starterhost.service";
    internal const string Socket = "starterhost.socket";
    internal const string EnvDir = "/etc/starterhost/env";

    /// <summary>Where the worker's start gate and its marker live: writable by the unit's user, under ProtectSystem=full too.</summary>
    internal const string GateDir = "/var/lib/starterhost-test";

    internal const string StatusFile = "/run/starterhost/starterhost.status";

    private readonly SystemdContainer? _container;

    public InstalledStarterHost()
    {
        // Every test is skipped then; nothing to boot.
        if (SystemdContainer.Unavailable is not null)
            return;
        _container = SystemdContainer.Boot();
        try
        {
            Install();
        }
        catch
        {
            _container.Dispose();
            throw;
        }
    }

    internal SystemdContainer Container => _container ?? throw new InvalidOperationException(SystemdContainer.Unavailable);

    internal static string Workers => SystemdContainer.InContainer(Path.Combine(AppContext.BaseDirectory, "Workers"));

    private void Install()
    {
        string deploy = Path.Combine(Repository.Root, "deploy");
        // What deploy/release puts in the .deb: the units, running /usr/bin/starterhost.
        foreach (string unit in new[] { Service, Socket })
        {
            string text = File.ReadAllText(Path.Combine(deploy, "systemd", unit)).Replace("/usr/local/bin/starterhost", "/usr/bin/starterhost", StringComparison.Ordinal);
            File.WriteAllText(Container.HostPath($"/lib/systemd/system/{unit}"), text);
        }
        // The apphost, through a link: it finds its dll beside its real path.
        File.CreateSymbolicLink(Container.HostPath("/usr/bin/starterhost"), SystemdContainer.InContainer(StarterProcess.ExecutablePath));
        Directory.CreateDirectory(Container.HostPath("/etc/starterhost"));
        File.Copy(Path.Combine(deploy, "systemd", "appsettings.example.json"), Container.HostPath("/etc/starterhost/appsettings.json"));
        Check(Container.Run("/bin/sh", SystemdContainer.InContainer(Path.Combine(deploy, "debian", "postinst")), "configure"), "the package's postinst");

        // The operator's edit: the example's ports, paths and signals, another worker.
        var settings = JsonNode.Parse(File.ReadAllText(Container.HostPath("/etc/starterhost/appsettings.json")))!;
        var starter = settings["Starter"]!.AsObject();
        // Both sockets by LISTEN_FDS: with --bind fd://N gunicorn would unlink the unix socket's file when it stops.
        starter["Command"] = new JsonArray("/usr/bin/gunicorn", "--preload", "systemd_wsgi:app");
        starter["ListenFds"] = true;
        starter["Dir"] = Workers;
        starter["Readiness"] = "notify";
        starter["EnvDir"] = EnvDir;
        File.WriteAllText(Container.HostPath("/etc/starterhost/appsettings.json"), settings.ToJsonString());
        Directory.CreateDirectory(Container.HostPath(EnvDir));
        Directory.CreateDirectory(Container.HostPath(GateDir));
        Check(Container.Run("chown", "starterhost:starterhost", GateDir), "chown of the gate directory");
        // Then what the package's description says to run, as written: the example's unix socket is in /run,
        // where only the socket unit (root) can create it.
        string control = File.ReadAllText(Path.Combine(deploy, "debian", "control"));
        var enable = Regex.Match(control, @"systemctl enable --now (.+)$", RegexOptions.Multiline);
        Assert.True(enable.Success, "deploy/debian/control no longer says which units to enable");
        string[] units = [.. enable.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(unit => unit.TrimEnd('.'))];
        Check(Container.Run(["systemctl", "enable", "--now", .. units]), $"the package description's systemctl enable --now {string.Join(' ', units)}");
    }

    /// <summary>Before each test: the service stopped and forgotten, the envdir and the gate empty.</summary>
    internal void Reset()
    {
        Check(Container.Run("systemctl", "stop", Service), $"systemctl stop {Service}");
        Container.Run("systemctl", "reset-failed", Service);
        foreach (string dir in new[] { EnvDir, GateDir })
        {
            foreach (string file in Directory.GetFiles(Container.HostPath(dir)))
                File.Delete(file);
        }
    }

    /// <summary>Sets (or with null, removes) a variable of the envdir, read before every spawn.</summary>
    internal void SetEnv(string name, string? value)
    {
        string path = Container.HostPath($"{EnvDir}/{name}");
        if (value is null)
            File.Delete(path);
        else
            File.WriteAllText(path, value);
    }

    internal CommandResult Systemctl(params string[] args) => Container.Run(["systemctl", .. args]);

    /// <summary>A property of the service (<c>systemctl show -p NAME --value</c>).</summary>
    internal string Show(string property) => Check(Systemctl("show", "-p", property, "--value", Service), $"systemctl show -p {property}").Stdout.Trim();

    internal int MainPid => int.Parse(Show("MainPID"), CultureInfo.InvariantCulture);

    /// <summary>"active/running", "reloading/reload", …</summary>
    internal string State => $"{Show("ActiveState")}/{Show("SubState")}";

    /// <summary>Starts the service and waits for systemctl to return, which it does once StarterHost said READY=1.</summary>
    internal void Start() => Check(Systemctl("start", Service), $"systemctl start {Service}");

    /// <summary>One GET of the TCP port inside the container: the answer, "Hello from generation N (pid P)".</summary>
    internal string Get() => Check(Container.Run("curl", "-sS", "--max-time", "20", "http://127.0.0.1:8080/"), "GET /").Stdout.Trim();

    /// <summary>The same over the unix socket.</summary>
    internal string GetUnix() => Check(Container.Run("curl", "-sS", "--max-time", "20", "--unix-socket", "/run/starterhost.sock", "http://localhost/"), "GET / over the unix socket").Stdout.Trim();

    /// <summary>The generation in an answer of the worker.</summary>
    internal static int GenerationOf(string answer) =>
        int.Parse(Regex.Match(answer, @"^Hello from generation (\d+) \(pid \d+\)$").Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>Every process of the service's cgroup, each with its start time, so that a reused pid is not taken for it.</summary>
    internal IReadOnlyList<(int Pid, string Started)> Processes()
    {
        string cgroup = Show("ControlGroup");
        if (cgroup.Length == 0)
            return [];
        var procs = Container.Run("cat", $"/sys/fs/cgroup{cgroup}/cgroup.procs");
        return [.. procs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .Select(p => (p, StartTime(p)))
            .Where(p => p.Item2 is not null)
            .Select(p => (p.p, p.Item2!))];
    }

    /// <summary>Those of <paramref name="processes"/> still alive (the same process: same pid, same start time).</summary>
    internal IReadOnlyList<int> StillAlive(IEnumerable<(int Pid, string Started)> processes) =>
        [.. processes.Where(p => StartTime(p.Pid) == p.Started).Select(p => p.Pid)];

    /// <summary>Field 22 of /proc/PID/stat, in the container's pid namespace; null once it is gone.</summary>
    private string? StartTime(int pid)
    {
        var stat = Container.Run("cat", $"/proc/{pid}/stat");
        if (stat.ExitCode != 0)
            return null;
        // The command name (field 2) is in parentheses and may hold spaces: count from the closing one.
        string rest = stat.Stdout[(stat.Stdout.LastIndexOf(')') + 2)..];
        return rest.Split(' ')[19];
    }

    internal static CommandResult Check(CommandResult result, string what) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException($"{what} failed: {result}");

    public void Dispose() => _container?.Dispose();
}
