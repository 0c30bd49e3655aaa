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
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(5);
    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "StarterHost");

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();
    private readonly CountdownEvent _streamsClosed = new(2);

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
    public static StarterProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, IReadOnlyList<string>? launcher = null)
    {
        var info = new ProcessStartInfo(launcher is null ? ExecutablePath : launcher[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        if (launcher is not null)
        {
            foreach (string arg in launcher.Skip(1).Append(ExecutablePath))
                info.ArgumentList.Add(arg);
        }
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        // Hermetic whatever runs the tests: a systemd unit's variables are given by a test or not at all.
        foreach (string inherited in UnitVariables)
            info.Environment.Remove(inherited);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var result = new StarterProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Runs StarterHost to completion (bad input, client modes): exit code and all output.</summary>
    public static (int ExitCode, string Output) Run(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        using var process = Start(args, environment, workingDirectory);
        int code = process.WaitForExit(DefaultTimeout);
        return (code, process.Output);
    }

    private static readonly string[] UnitVariables =
        ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "JOURNAL_STREAM", "INVOCATION_ID"];

    private void Append(string? line)
    {
        if (line is null)
        {
            // End of one stream; the Process class reports it as a null line.
            _streamsClosed.Signal();
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

    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit(timeout ?? DefaultTimeout))
            throw new TimeoutException($"StarterHost did not exit; output so far:\n{Output}");
        // Let the output readers deliver what was written before the exit: a timed WaitForExit does
        // not wait for them. Not until end of file without bound: a daemon run by the JIT runtime
        // keeps the launcher's stdout and stderr open (CoreCLR's PAL dups fds 0-2 at startup).
        _streamsClosed.Wait(OutputGrace);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(int.Parse)
                .ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // Frozen first: a superdaemon that saw its worker killed would spawn the next one, which
            // nobody would kill and which would hold our output pipes open.
            Posix.SendSignal(Pid, 19); // SIGSTOP
            // The workers it announced, and any child it has now (its log may have gone to a file).
            var workers = new Regex(@"starting new worker (\d+)").Matches(Output).Select(m => int.Parse(m.Groups[1].Value))
                .Concat(ChildrenOf(Pid)).Distinct();
            foreach (int worker in workers)
                Posix.SendSignal(worker, 9);
            _process.Kill();
            // Bounded: a test must fail, not hang the suite, if something still holds the pipes.
            _process.WaitForExit(DefaultTimeout);
        }
        _process.Dispose();
    }
}
