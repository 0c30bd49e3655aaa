using System.Diagnostics;
using System.Text.RegularExpressions;
using StarterHost.Interop;

namespace StarterHost.Tests.Support;

/// <summary>
/// A real StarterHost process (the built apphost), its output collected line by line so that tests
/// wait on what it says. Dispose kills it and every worker it reported starting, by pid.
/// </summary>
internal sealed class StarterProcess : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private const int SigStop = 19;
    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "StarterHost");

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();
    // Set when stdout / stderr reach end of file, i.e. every line has been appended.
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StarterProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_gate)
                return string.Join('\n', _lines);
        }
    }

    /// <param name="launcher">A program that execs StarterHost (e.g. systemd-socket-activate and its options), or null.</param>
    public static StarterProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, IReadOnlyList<string>? launcher = null) =>
        launcher is null
            ? StartProgram(ExecutablePath, args, environment, workingDirectory)
            : StartProgram(launcher[0], [.. launcher.Skip(1), ExecutablePath, .. args], environment, workingDirectory);

    /// <summary>Any superdaemon with start_server's command line: StarterHost, or the reference itself.</summary>
    public static StarterProcess StartProgram(string executable, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var process = new Process { StartInfo = StartInfo(executable, args, environment, workingDirectory) };
        var result = new StarterProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data, result._stdoutClosed);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data, result._stderrClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>How a superdaemon is started here: all output redirected, hermetic environment.</summary>
    public static ProcessStartInfo StartInfo(string executable, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment, string? workingDirectory)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        // Hermetic whatever runs the tests: a systemd unit's variables are given by a test or not at all.
        foreach (string inherited in UnitVariables)
            info.Environment.Remove(inherited);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            info.Environment[key] = value;
        return info;
    }

    /// <summary>Runs StarterHost to completion (bad input, client modes): exit code and all output.</summary>
    public static (int ExitCode, string Output) Run(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        string[] arguments = [.. args];
        using var process = Start(arguments, environment, workingDirectory);
        // Drained in every case: a --daemonize launch must not leave the daemon holding its caller's output.
        int code = process.WaitForExit(DefaultTimeout);
        return (code, process.Output);
    }

    private static readonly string[] UnitVariables =
        ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "JOURNAL_STREAM", "INVOCATION_ID"];

    private void Append(string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }
        lock (_gate)
        {
            _lines.Add(line);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until <paramref name="count"/> lines match; returns those matches.</summary>
    public IReadOnlyList<Match> WaitForLines(string pattern, int count = 1, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        lock (_gate)
        {
            while (true)
            {
                var matches = _lines.Select(l => regex.Match(l)).Where(m => m.Success).ToList();
                if (matches.Count >= count)
                    return matches;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException($"no {count} line(s) matching /{pattern}/ within the timeout; output so far:\n{string.Join('\n', _lines)}");
                Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public Match WaitForLine(string pattern, TimeSpan? timeout = null) => WaitForLines(pattern, 1, timeout)[0];

    /// <summary>The n-th (1-based) "starting new worker" pid.</summary>
    public int WorkerPid(int nth) => int.Parse(WaitForLines(@"starting new worker (\d+)", nth)[nth - 1].Groups[1].Value);

    /// <summary>The actual port of a "127.0.0.1:0"-style listener, from the "listening on" line.</summary>
    public int BoundPort(string key) =>
        int.Parse(WaitForLine($@"listening on \S+:(\d+) as {Regex.Escape(key)}=").Groups[1].Value);

    public void Signal(int signal) => Posix.SendSignal(Pid, signal);

    public int WaitForExit(TimeSpan? timeout = null, bool drainOutput = true)
    {
        if (!_process.WaitForExit(timeout ?? DefaultTimeout))
            throw new TimeoutException($"StarterHost did not exit; output so far:\n{Output}");
        if (drainOutput)
            DrainOutput(timeout ?? DefaultTimeout);
        return _process.ExitCode;
    }

    /// <summary>
    /// Waits until every line StarterHost wrote has been read, but does not hang on a pipe that a leaked
    /// descriptor keeps open. (Process.WaitForExit with a timeout does not wait for the readers: right
    /// after it, the output can still be empty.)
    /// </summary>
    private void DrainOutput(TimeSpan timeout)
    {
        if (!Task.WaitAll([_stdoutClosed.Task, _stderrClosed.Task], timeout))
            throw new TimeoutException($"StarterHost exited but something still holds its output open:\n{Output}");
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// The children /proc lists now, found by ancestry (a worker may rewrite its environment and argv). Each is
    /// listed by the thread that spawned it; the process's other threads come and go (an idle thread-pool thread
    /// exits), and one gone between the listing and the read is skipped, not taken for "no children at all".
    /// </summary>
    public static IEnumerable<int> ChildrenOf(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return [];
        }
        var children = new List<int>();
        foreach (string task in tasks)
        {
            try
            {
                children.AddRange(File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            }
            catch (IOException)
            {
                // That thread ended meanwhile.
            }
        }
        return children;
    }

    public static IEnumerable<int> DescendantsOf(int pid) =>
        ChildrenOf(pid).SelectMany(child => DescendantsOf(child).Prepend(child));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // Frozen first so that it spawns nothing more; then every descendant /proc lists now (a
            // preforking worker's children hold the pipes too). Never the pids it once announced:
            // those may have exited and, with pid_max at 32768 here, been reused by another test.
            Posix.SendSignal(Pid, SigStop);
            foreach (int worker in DescendantsOf(Pid).ToList())
                Posix.SendSignal(worker, 9);
            _process.Kill();
            // Bounded: the unbounded wait also waits for end of file on its output, which an
            // orphaned worker would hold open for ever.
            _process.WaitForExit(DefaultTimeout);
        }
        _process.Dispose();
    }
}
