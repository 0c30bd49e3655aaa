using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace StarterHost.Tests.Support;

/// <summary>
/// A real systemd as PID 1, booted in a throw-away systemd-nspawn container that changes nothing outside it
/// (issue 16's recipe): in a private mount namespace, a read-only non-recursive bind of / is the lower dir of
/// an overlay whose upper dir is a tmpfs, and a tmpfs on /run takes what nspawn keeps there (the host's /run
/// is no tmpfs here: it would stay on disk); the container runs in cgroups of its own, <see cref="Name"/>, in
/// every hierarchy, with a private network.
/// Commands run inside through nsenter; files are reached through /proc/PID/root.
/// <para>
/// Nothing outlives the test: a launcher script holds the namespace and waits for its stdin to close, which
/// <see cref="Dispose"/> does and the kernel does if the test process dies. It then kills everything in the
/// container's cgroups, removes them, and its mounts go with its namespace. nspawn itself runs under
/// <c>timeout</c>, and a later boot sweeps what a launcher killed outright left behind.
/// </para>
/// </summary>
internal sealed partial class SystemdContainer : IDisposable
{
    private const string Prefix = "starterhost-test-";
    private const string NamedHierarchy = "/sys/fs/cgroup/systemd";

    /// <summary>How long the container may live at most, whatever happens to the test.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(60);

    // $1 NAME, $2 WORK (a fresh directory to mount on), $3 LIFETIME (seconds), $4 SOURCE (the repository, bound at
    // SourceInContainer), then the cgroup hierarchies, the cgroup2 one first. Starts the container, then waits for
    // its stdin to close.
    private const string Launcher = """
        set -u
        name=$1 work=$2 lifetime=$3 source=$4
        shift 4
        hierarchies=("$@")
        unified=$1
        cleanup() {
          # Everything in the container's cgroups (nspawn, its systemd and all that runs under it): SIGKILL,
          # until nothing is left, then the cgroups go, deepest first. The mounts go with this namespace.
          for _ in $(seq 200); do
            grep -qx 'populated 0' "$unified/$name/cgroup.events" 2>/dev/null && break
            if [ -e "$unified/$name/cgroup.kill" ]; then echo 1 > "$unified/$name/cgroup.kill"
            else find "$unified/$name" -name cgroup.procs -exec cat {} + | xargs -r kill -9; fi
            sleep 0.05
          done
          for hierarchy in "${hierarchies[@]}"; do
            [ -d "$hierarchy/$name" ] && find "$hierarchy/$name" -depth -type d -exec rmdir {} +
          done
          umount -R "$work" 2>/dev/null
          rmdir "$work"
        }
        trap cleanup EXIT
        for hierarchy in "$@"; do mkdir "$hierarchy/$name" || exit 1; done
        mkdir "$work" &&
          mount -t tmpfs tmpfs "$work" &&
          mkdir "$work/lower" "$work/upper" "$work/work" "$work/merged" &&
          mount --bind / "$work/lower" &&
          mount -o remount,bind,ro "$work/lower" &&
          mount -t overlay overlay -o "lowerdir=$work/lower,upperdir=$work/upper,workdir=$work/work" "$work/merged" &&
          mount -t tmpfs -o mode=0755 tmpfs /run || exit 1
        # nspawn alone in the container's cgroups (it makes "supervisor" and "payload" below them); timeout
        # outside them, so that a cgroup with children holds no process of its own.
        SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 timeout -k 5 "$lifetime" /bin/sh -c '
          merged=$1 name=$2 source=$3
          shift 3
          for cgroup; do echo $$ > "$cgroup/cgroup.procs" || exit 1; done
          exec systemd-nspawn -D "$merged" --bind="$source:/opt/starterhost-source" --register=no --keep-unit --private-network --machine="$name" -b -- --unit=basic.target
        ' sh "$work/merged" "$name" "$source" $(printf "%s/$name " "$@") </dev/null &
        read -r _
        """;

    private readonly Process _launcher;
    private readonly StringBuilder _output = new();
    private readonly string[] _cgroups;
    private readonly string _workDir;

    private SystemdContainer(string name, Process launcher, string[] cgroups, string workDir)
    {
        Name = name;
        _launcher = launcher;
        _cgroups = cgroups;
        _workDir = workDir;
    }

    /// <summary>The container's cgroup in the cgroup2 hierarchy, where its processes are found.</summary>
    private string UnifiedCgroup => _cgroups[0];

    /// <summary>
    /// Where the container sees the repository (and the tests' build output in it). Not at its own path: a checkout
    /// under /tmp, /home or /root would be hidden from the shipped unit (PrivateTmp=, ProtectHome=), and from every
    /// process under /tmp, where nspawn mounts a tmpfs.
    /// </summary>
    private const string SourceInContainer = "/opt/starterhost-source";

    /// <summary>A path in the repository, as the container's processes reach it.</summary>
    public static string InContainer(string hostPath) =>
        Path.GetRelativePath(Repository.Root, hostPath) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative)
            ? Path.Combine(SourceInContainer, relative)
            : throw new ArgumentException($"{hostPath} is not in the repository {Repository.Root}", nameof(hostPath));

    /// <summary>The machine name and the name of its cgroups: unique to this run, and naming its test process.</summary>
    public string Name { get; }

    /// <summary>The container's systemd, as the host sees it.</summary>
    public int Pid { get; private set; }

    /// <summary>From the launch to a systemd that reports its boot finished.</summary>
    public TimeSpan BootTime { get; private set; }


    /// <summary>Boots a container and waits until its systemd has finished booting (basic.target).</summary>
    public static SystemdContainer Boot()
    {
        var hierarchies = Hierarchies() ?? throw new InvalidOperationException(Unavailable);
        SweepLeftovers(hierarchies);
        string name = $"{Prefix}{System.Environment.ProcessId}-{Random.Shared.Next(0x1000000):x6}";
        var clock = Stopwatch.StartNew();
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string workDir = Path.Combine(Path.GetTempPath(), name);
        foreach (string arg in (string[])["--mount", "--propagation", "private", "--", "/bin/bash", "-c", Launcher, "launcher",
                     name, workDir, ((int)Lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture), Repository.Root, .. hierarchies])
            info.ArgumentList.Add(arg);
        Hermetic(info);
        var container = new SystemdContainer(name, Process.Start(info)!, [.. hierarchies.Select(h => Path.Combine(h, name))], workDir);
        container._launcher.OutputDataReceived += (_, e) => container.Append(e.Data);
        container._launcher.ErrorDataReceived += (_, e) => container.Append(e.Data);
        container._launcher.BeginOutputReadLine();
        container._launcher.BeginErrorReadLine();
        try
        {
            container.Pid = container.WaitFor(container.FindInit, "the container's systemd to start");
            container.WaitFor(container.BootFinished, "the container's systemd to finish booting");
            container.BootTime = clock.Elapsed;
            return container;
        }
        catch
        {
            try
            {
                container.Dispose();
            }
            catch (InvalidOperationException)
            {
                // What is left is in the message of the failure that matters more.
            }
            throw;
        }
    }

    /// <summary>The host's path to <paramref name="path"/> inside the container (through the root of its PID 1).</summary>
    public string HostPath(string path) => $"/proc/{Pid}/root{path}";

    /// <summary>Runs a command inside the container (all its namespaces), bounded, and returns its exit code and output.</summary>
    public CommandResult Run(params string[] command) => Run(TimeSpan.FromSeconds(30), command);

    public CommandResult Run(TimeSpan timeout, params string[] command)
    {
        using var process = Start(command);
        var clock = Stopwatch.StartNew();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CommandResult(null, stdout.Result, stderr.Result, clock.Elapsed);
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    /// <summary>Starts a command inside the container, its standard streams redirected; the caller ends it.</summary>
    public Process Start(params string[] command)
    {
        var info = new ProcessStartInfo("nsenter")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["-t", Pid.ToString(CultureInfo.InvariantCulture), "-m", "-u", "-i", "-n", "-p", "-C", "--", .. command])
            info.ArgumentList.Add(arg);
        Hermetic(info);
        return Process.Start(info)!;
    }

    /// <summary>What a root shell would have, not what runs the tests.</summary>
    private static void Hermetic(ProcessStartInfo info)
    {
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        info.Environment["LANG"] = "C.UTF-8";
        info.Environment["SYSTEMD_PAGER"] = "";
    }

    /// <summary>What the launcher, nspawn and the container's console said, for a failure's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private T WaitFor<T>(Func<T?> probe, string what) where T : struct
    {
        var deadline = DateTime.UtcNow + BootTimeout;
        while (true)
        {
            if (probe() is { } value)
                return value;
            if (_launcher.HasExited)
                throw new InvalidOperationException($"the container launcher exited ({_launcher.ExitCode}) while waiting for {what}:\n{Output}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}:\n{Output}");
            Thread.Sleep(20);
        }
    }

    /// <summary>The process in the container's cgroups that is PID 1 of its own pid namespace.</summary>
    private int? FindInit()
    {
        if (!Directory.Exists(UnifiedCgroup))
            return null;
        foreach (string procs in Directory.EnumerateFiles(UnifiedCgroup, "cgroup.procs", SearchOption.AllDirectories))
        {
            foreach (string pid in ReadLinesOrNone(procs))
            {
                var nspid = ReadLinesOrNone($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                if (nspid is { Length: 3 } && nspid[2] == "1")
                    return int.Parse(pid, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>systemd has reached its target, "running" or "degraded"; before it listens, systemctl cannot connect.</summary>
    private bool? BootFinished()
    {
        var result = Run("systemctl", "is-system-running", "--wait");
        string state = result.Stdout.Trim();
        return state is "running" or "degraded" ? true : null;
    }

    private static IEnumerable<string> ReadLinesOrNone(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }


    public void Dispose()
    {
        // EOF on the launcher's stdin: it kills the container, removes its cgroups and mounts, and exits.
        try
        {
            _launcher.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        if (!_launcher.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _launcher.Kill(entireProcessTree: true);
            _launcher.WaitForExit();
        }
        _launcher.Dispose();
        string[] left = [.. _cgroups.Append(_workDir).Where(Directory.Exists)];
        if (left.Length > 0)
            throw new InvalidOperationException($"the container {Name} left {string.Join(" and ", left)} behind:\n{Output}");
    }
}

/// <summary>A command's exit code (null: it was killed at its deadline), output and how long it took.</summary>
internal sealed record CommandResult(int? ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (killed at its deadline)"} after {Elapsed.TotalSeconds:0.0} s\n{Stdout}{Stderr}";
}
