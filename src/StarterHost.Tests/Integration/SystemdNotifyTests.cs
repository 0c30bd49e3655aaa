using System.Globalization;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>
/// The sd_notify protocol, for real: a unix datagram socket bound here is StarterHost's NOTIFY_SOCKET,
/// and what arrives on it is checked against what the workers are doing at that moment.
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestWorker _worker;
    private readonly NotifySocket _notify;

    public SystemdNotifyTests()
    {
        _worker = new TestWorker(_dir);
        _notify = new NotifySocket(_dir.File("notify"));
    }

    public void Dispose()
    {
        _notify.Dispose();
        _dir.Dispose();
    }

    private Dictionary<string, string?> Environment(params (string Key, string Value)[] more)
    {
        var environment = new Dictionary<string, string?>(_worker.Environment) { ["NOTIFY_SOCKET"] = _notify.Address };
        foreach (var (key, value) in more)
            environment[key] = value;
        return environment;
    }

    private StarterProcess Start(string interval, IReadOnlyDictionary<string, string?> environment) =>
        StarterProcess.Start(["--port=127.0.0.1:0", $"--status-file={_dir.File("status")}", $"--interval={interval}", .. _worker.Command], environment);

    [Fact]
    public void ReadyComesOnlyOnceAGenerationHasStartedThenReloadAndStopAreAnnounced()
    {
        // Generation 1 fails to start: the host runs and its sockets are bound, but it is not ready.
        // (Causal, not timed: no READY=1 can be legitimate before a generation has been accepted.)
        _worker.Fail();
        // Wide enough for a failing worker to exit within it, even on a loaded machine.
        using var starter = Start("2", Environment());
        _notify.WaitFor(m => m.Contains("last failure: generation 1 failed to start"), "with the failure of generation 1");
        Assert.DoesNotContain("READY=1", _notify.Messages);
        _worker.Fail(false);
        _notify.WaitFor("READY=1");
        // Whichever attempt came first once the worker was allowed to start (a retry may have been under way).
        var serving = System.Text.RegularExpressions.Regex.Match(
            _notify.WaitFor(m => m.StartsWith("STATUS=generation ", StringComparison.Ordinal) && m.Contains(" serving", StringComparison.Ordinal), "naming the serving generation"),
            @"^STATUS=generation (\d+) \(pid (\d+)\) serving");
        int generation = int.Parse(serving.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(generation >= 2);
        Assert.Equal(starter.WorkerPid(generation), int.Parse(serving.Groups[2].Value, CultureInfo.InvariantCulture));

        long before = Posix.MonotonicMicroseconds;
        starter.Signal(SignalNames.Hup);
        string reloading = _notify.WaitFor(m => m.StartsWith("RELOADING=1", StringComparison.Ordinal), "RELOADING=1");
        long after = Posix.MonotonicMicroseconds;
        // One datagram: RELOADING=1 and the CLOCK_MONOTONIC time it was sent at.
        var lines = reloading.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("MONOTONIC_USEC=", lines[1]);
        long sentAt = long.Parse(lines[1]["MONOTONIC_USEC=".Length..], CultureInfo.InvariantCulture);
        Assert.InRange(sentAt, before, after);

        int next = starter.WorkerPid(generation + 1);
        _notify.WaitFor("READY=1", count: 2);
        _notify.WaitFor(m => m.Contains($"generation {generation + 1} (pid {next}) serving"), "naming the new generation");
        // READY=1 again because the new generation was accepted: the old one is told to go. (The log line may
        // trail the datagram: the console logger writes from a queue.)
        starter.WaitForLine("new worker is now running");

        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.Equal(["READY=1", reloading, "READY=1", "STOPPING=1"], _notify.Lifecycle);
    }

    [Fact]
    public void AReloadThatNeverComesUpEndsInReadyWithTheFailureInStatusAndOnlyOnce()
    {
        // Wide enough for a failing worker to exit within it, even on a loaded machine.
        using var starter = Start("2", Environment());
        int first = starter.WorkerPid(1);
        _notify.WaitFor("READY=1");
        _worker.Fail();
        starter.Signal(SignalNames.Hup);
        _notify.WaitFor(m => m.StartsWith("RELOADING=1", StringComparison.Ordinal), "RELOADING=1");
        // sd_notify(3): READY=1 after RELOADING=1 whether or not the reload worked, or systemd stays "reloading".
        _notify.WaitFor("READY=1", count: 2);
        var messages = _notify.Messages;
        string status = messages.Take(IndexOf(messages, "READY=1", 2)).Last(m => m.StartsWith("STATUS=", StringComparison.Ordinal));
        Assert.Contains($"generation 1 (pid {first}) serving", status);
        Assert.Contains("last failure: generation 2 failed to start", status);
        Assert.Contains("exit code 3", status);
        // Retried under generation 3, which fails the same way: StarterHost's own retry, no new reload to end.
        _notify.WaitFor(m => m.Contains("last failure: generation 3 failed to start"), "with the failure of generation 3");
        Assert.Equal(2, _notify.Messages.Count(m => m == "READY=1"));
        Assert.Single(_notify.Messages, m => m.StartsWith("RELOADING=1", StringComparison.Ordinal));
    }

    /// <summary>Where the <paramref name="nth"/> datagram equal to <paramref name="message"/> is.</summary>
    private static int IndexOf(IReadOnlyList<string> messages, string message, int nth) =>
        messages.Select((m, i) => (m, i)).Where(p => p.m == message).ElementAt(nth - 1).i;

    [Fact]
    public void StoppingExtendsTheTimeoutWhileWorkersDrain()
    {
        _worker.Slow();
        using var starter = Start("0.1", Environment());
        _notify.WaitFor("READY=1");
        starter.Signal(SignalNames.Term);
        _notify.WaitFor("STOPPING=1");
        // Three 5 s steps: the next reminder is due long before this runs out.
        _notify.WaitFor("EXTEND_TIMEOUT_USEC=15000000");
        _notify.WaitFor(m => m.StartsWith("STATUS=stopping: waiting for 1 worker to exit", StringComparison.Ordinal), "while draining");
        Assert.Equal(0, starter.WaitForExit());
    }

    [Fact]
    public void AnAbstractNotifySocketIsUsedAsLibsystemdWould()
    {
        using var notify = new NotifySocket($"@starterhost-test-{Guid.NewGuid():N}");
        using var starter = Start("0.1", Environment(("NOTIFY_SOCKET", notify.Address)));
        notify.WaitFor("READY=1");
    }

    [Fact]
    public void ANotifySocketNobodyListensOnIsLoggedAndSurvived()
    {
        using var starter = Start("0.1", Environment(("NOTIFY_SOCKET", _dir.File("nobody"))));
        int port = starter.BoundPort("127.0.0.1:0");
        starter.WaitForLine($"failed to notify the service manager at {_dir.File("nobody")}: ");
        Assert.StartsWith("gen=1 ", WorkerClient.AskUntilGeneration(() => WorkerClient.Ask(port), 1));
        starter.Signal(SignalNames.Term);
        Assert.Equal(0, starter.WaitForExit());
        Assert.Single(starter.WaitForLines("failed to notify"));
    }

    [Fact]
    public void WorkersDoNotInheritTheUnitsNotifySocketWatchdogOrListenVariables()
    {
        string dump = _dir.File("env");
        using var starter = StarterProcess.Start(
            ["--interval=0.1", "--", "/bin/sh", "-c", $"env > {dump}.tmp; mv {dump}.tmp {dump}; exec sleep 60"],
            Environment(("WATCHDOG_USEC", "60000000"), ("WATCHDOG_PID", "1"), ("LISTEN_PID", "1"), ("LISTEN_FDS", "1"), ("LISTEN_FDNAMES", "x"), ("KEPT", "yes")));
        var variables = Eventually.Get(() => File.Exists(dump) ? File.ReadAllLines(dump) : null, "the worker's environment");
        Assert.Contains("KEPT=yes", variables);
        foreach (string name in new[] { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES" })
            Assert.DoesNotContain(variables, v => v.StartsWith(name + "=", StringComparison.Ordinal));
    }

    [Fact]
    public void ALogCommandDoesNotInheritTheUnitsNotifySocketEither()
    {
        string dump = _dir.File("log-env");
        using var starter = StarterProcess.Start(
            ["--interval=0.1", $"--log-file=| env > {dump}.tmp; mv {dump}.tmp {dump}; cat > /dev/null", "--", "/bin/sh", "-c", "exec sleep 60"],
            Environment(("WATCHDOG_USEC", "60000000"), ("KEPT", "yes")));
        var variables = Eventually.Get(() => File.Exists(dump) ? File.ReadAllLines(dump) : null, "the log command's environment");
        Assert.Contains("KEPT=yes", variables);
        Assert.DoesNotContain(variables, v => v.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal) || v.StartsWith("WATCHDOG_", StringComparison.Ordinal));
    }

    [Fact]
    public void TheWatchdogIsFedAtHalfTheIntervalFromTheLoop()
    {
        using var starter = Start("0.1", Environment(("WATCHDOG_USEC", "400000")));
        _notify.WaitFor("READY=1");
        _notify.WaitFor("WATCHDOG=1", count: 3);
    }

    [Fact]
    public void AWatchdogMeantForAnotherProcessIsNotFed()
    {
        // WATCHDOG_PID names someone else (sd_watchdog_enabled says: not ours). A 50 ms period would
        // have sent several by the time generation 2 has been accepted.
        using var starter = Start("0.3", Environment(("WATCHDOG_USEC", "100000"), ("WATCHDOG_PID", "1")));
        _notify.WaitFor("READY=1");
        starter.Signal(SignalNames.Hup);
        _notify.WaitFor("READY=1", count: 2);
        Assert.DoesNotContain("WATCHDOG=1", _notify.Messages);
    }
}
