using System.Text.Json;
using StarterHost.Tests.Support;
using Xunit.Abstractions;

namespace StarterHost.Tests.Integration;

/// <summary>Runs only where a systemd-nspawn container can boot; elsewhere it is skipped, saying why.</summary>
internal sealed class SystemdContainerFactAttribute : FactAttribute
{
    public SystemdContainerFactAttribute()
    {
        if (SystemdContainer.Unavailable is { } reason)
            Skip = $"no systemd container here: {reason}";
    }
}

/// <summary>
/// The shipped units and configuration under a real systemd as PID 1 (a throw-away nspawn container, booted
/// once for the class), with Debian's gunicorn as the worker: what <c>systemctl</c> start, reload, stop and
/// restart do, what systemd does when StarterHost is killed or upgraded in place, and what reaches the journal.
/// Each test starts from the service stopped and the socket unit listening.
/// </summary>
public sealed class UnderSystemdTests : IClassFixture<InstalledStarterHost>
{
    private readonly InstalledStarterHost _host;
    private readonly ITestOutputHelper _output;

    public UnderSystemdTests(InstalledStarterHost host, ITestOutputHelper output)
    {
        _host = host;
        _output = output;
        if (SystemdContainer.Unavailable is null)
        {
            _output.WriteLine($"container {host.Container.Name} booted in {host.Container.BootTime.TotalSeconds:0.00} s");
            host.Reset();
        }
    }

    [SystemdContainerFact]
    public void StartAndReloadReturnOnlyOnceTheWorkerHasSentReady()
    {
        // Each generation is held at a gate before its READY=1 (gunicorn sends it once the app is imported).
        string gate = $"{InstalledStarterHost.GateDir}/gate";
        _host.SetEnv("APP_START_GATE", gate);
        using (var start = _host.Container.Start("systemctl", "start", InstalledStarterHost.Service))
        {
            AtTheGate(gate, generation: 1, "activating/start", start);
            Assert.True(start.WaitForExit(TimeSpan.FromSeconds(30)), "systemctl start did not return once the worker was ready");
            Assert.Equal(0, start.ExitCode);
        }
        Assert.Equal("active/running", _host.State);
        Assert.Equal(1, InstalledStarterHost.GenerationOf(_host.Get()));
        Assert.Equal(1, InstalledStarterHost.GenerationOf(_host.GetUnix()));

        File.Delete(_host.Container.HostPath(gate));
        using (var reload = _host.Container.Start("systemctl", "reload", InstalledStarterHost.Service))
        {
            AtTheGate(gate, generation: 2, "reloading/reload", reload);
            Assert.True(reload.WaitForExit(TimeSpan.FromSeconds(30)), "systemctl reload did not return once the new generation was ready");
            Assert.Equal(0, reload.ExitCode);
        }
        // When it returns, generation 2 serves: the status file names it (generation 1 may still be draining).
        Assert.Matches(@"(?m)^2:\d+$", File.ReadAllText(_host.Container.HostPath(InstalledStarterHost.StatusFile)));
        Assert.Equal("active/running", _host.State);
        Eventually.True(() => InstalledStarterHost.GenerationOf(_host.Get()) == 2, "an answer from generation 2");
    }

    /// <summary>
    /// Waits until <paramref name="generation"/> is held at its start gate, sees that systemd still waits for it
    /// (the unit in <paramref name="state"/>, <paramref name="systemctl"/> not returned), and opens the gate.
    /// </summary>
    private void AtTheGate(string gate, int generation, string state, System.Diagnostics.Process systemctl)
    {
        string waiting = _host.Container.HostPath($"{gate}.waiting");
        Eventually.True(() => ReadOrNull(waiting) == $"{generation}", $"generation {generation} at its start gate");
        Assert.Equal(state, _host.State);
        Assert.False(systemctl.HasExited, $"systemctl returned while generation {generation} had not sent READY=1");
        File.Delete(waiting);
        File.WriteAllText(_host.Container.HostPath(gate), "");
    }

    [SystemdContainerFact]
    public void AFailedReloadFailsWithinSecondsAndTheOldGenerationServesOn()
    {
        _host.Start();
        _host.SetEnv("APP_BROKEN", "1");
        // A bound well below the unit's own (TimeoutStartSec=120, and ExecReload's --timeout=100): without the
        // READY=1 that ends RELOADING=1, systemd keeps the unit reloading and systemctl waits past it.
        var reload = _host.Container.Run(TimeSpan.FromSeconds(30), "systemctl", "reload", InstalledStarterHost.Service);
        _output.WriteLine($"systemctl reload of a generation that fails: {reload}");
        Assert.NotNull(reload.ExitCode);
        Assert.NotEqual(0, reload.ExitCode);
        Eventually.True(() => _host.State == "active/running", "the unit active and running again");
        Assert.Equal(1, InstalledStarterHost.GenerationOf(_host.Get()));
        // Generation 2's failure, or its retry's: the first retry comes at once, and on a loaded machine it may have
        // failed too by now.
        Assert.Matches(@"last failure: generation \d+ failed to start", _host.Show("StatusText"));
        // ExecReload='s reason, as an error.
        var failed = JournalUntil(e => Message(e)?.StartsWith("starterhost: reload failed: generation 2 failed to start", StringComparison.Ordinal) == true, "the reload's failure in the journal");
        Assert.Equal("3", failed.GetProperty("PRIORITY").GetString());
    }

    [SystemdContainerFact]
    public void StopLeavesNoProcessOfTheUnit()
    {
        _host.Start();
        var processes = _host.Processes();
        // StarterHost, gunicorn's arbiter and its worker at least.
        Assert.True(processes.Count >= 3, $"expected StarterHost and its worker's processes, found {processes.Count}");
        string cgroup = _host.Show("ControlGroup");
        InstalledStarterHost.Check(_host.Systemctl("stop", InstalledStarterHost.Service), "systemctl stop");
        Assert.Equal("inactive/dead", _host.State);
        // StarterHost stopped its workers itself: systemd had nothing to kill.
        Assert.Equal("success", _host.Show("Result"));
        Assert.Empty(_host.StillAlive(processes));
        var left = _host.Container.Run("cat", $"/sys/fs/cgroup{cgroup}/cgroup.procs");
        Assert.True(left.ExitCode != 0 || left.Stdout.Trim().Length == 0, $"the unit's cgroup still holds: {left.Stdout}");
    }

    [SystemdContainerFact]
    public void AfterKillNineOfTheMainProcessSystemdRestartsItAndTheOldWorkersAreGone()
    {
        _host.Start();
        int main = _host.MainPid;
        var old = _host.Processes();
        string before = _host.Get();
        InstalledStarterHost.Check(_host.Container.Run("kill", "-9", main.ToString(System.Globalization.CultureInfo.InvariantCulture)), "kill -9");
        // Restart=on-failure, after RestartSec=.
        Eventually.True(() => _host.Show("NRestarts") == "1" && _host.State == "active/running", "systemd to restart the service");
        Assert.NotEqual(main, _host.MainPid);
        Assert.Empty(_host.StillAlive(old));
        string after = _host.Get();
        Assert.Equal(1, InstalledStarterHost.GenerationOf(after));
        Assert.NotEqual(before, after);
    }

    [SystemdContainerFact]
    public void SocketActivationKeepsThePortAcrossARestart()
    {
        _host.Start();
        int main = _host.MainPid;
        using var hammer = _host.Container.Start("python3", Path.Combine(InstalledStarterHost.Workers, "hammer.py"), "8080");
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        hammer.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lines.Enqueue(e.Data);
        };
        hammer.BeginOutputReadLine();
        string[] Seen() => [.. lines];
        Eventually.True(() => Seen().Count(l => l.StartsWith("ok ", StringComparison.Ordinal)) >= 10, "answers before the restart");
        var answeredBefore = Seen().Where(l => l.StartsWith("ok ", StringComparison.Ordinal)).ToHashSet();
        var restart = InstalledStarterHost.Check(_host.Systemctl("restart", InstalledStarterHost.Service), "systemctl restart");
        _output.WriteLine($"systemctl restart under load: {restart.Elapsed.TotalSeconds:0.00} s");
        Assert.NotEqual(main, _host.MainPid);
        // Answers from the new StarterHost's workers: pids that never answered before.
        Eventually.True(() => Seen().Count(l => l.StartsWith("ok ", StringComparison.Ordinal) && !answeredBefore.Contains(l)) >= 10, "answers after the restart");
        hammer.StandardInput.Close();
        Assert.True(hammer.WaitForExit(TimeSpan.FromSeconds(30)), "the client did not stop");
        hammer.WaitForExit();
        var all = Seen();
        _output.WriteLine($"{all.Length} requests around the restart");
        Assert.DoesNotContain(all, l => !l.StartsWith("ok ", StringComparison.Ordinal));
    }

    [SystemdContainerFact]
    public void AFailedHangupFromOutsideEndsTheReloadToo_AndTheJournalHasPrioritiesWithoutColourCodes()
    {
        _host.Start();
        _host.SetEnv("APP_BROKEN", "1");
        // No ExecReload= this time: RELOADING=1 alone puts the unit in "reloading", and only READY=1 ends that.
        InstalledStarterHost.Check(_host.Systemctl("kill", "-s", "HUP", "--kill-who=main", InstalledStarterHost.Service), "systemctl kill -s HUP");
        // Generation 2's failure, or a retry's: STATUS= names the latest, the first retry comes at once, and each
        // retry fails as generation 2 did, so "generation 2" is there only until generation 3 has failed too, which a
        // poll through the container on a loaded machine can miss. Once a start has failed, one is always named.
        Eventually.True(() => System.Text.RegularExpressions.Regex.IsMatch(_host.Show("StatusText"), @"last failure: generation \d+ failed to start"),
            "the failure in STATUS=");
        Eventually.True(() => _host.State == "active/running", "the unit active and running again");
        Assert.Equal(1, InstalledStarterHost.GenerationOf(_host.Get()));

        JournalUntil(e => Message(e)?.Contains("seems to have failed to start", StringComparison.Ordinal) == true, "the failed start in the journal");
        var entries = Journal();
        // journalctl gives a field with control characters (an escape sequence) as an array of bytes, not a string.
        Assert.All(entries, e => Assert.Equal(JsonValueKind.String, e.GetProperty("MESSAGE").ValueKind));
        Assert.All(entries, e => Assert.DoesNotContain('\u001b', e.GetProperty("MESSAGE").GetString()!));
        var starterHost = entries.Where(e => e.GetProperty("_PID").GetString() == _host.Show("MainPID")).ToList();
        string PriorityOf(string text) => starterHost.First(e => Message(e)!.Contains(text, StringComparison.Ordinal)).GetProperty("PRIORITY").GetString()!;
        Assert.Equal("6", PriorityOf("is serving"));
        Assert.Equal("3", PriorityOf("seems to have failed to start"));
    }

    [SystemdContainerFact]
    public void AnUpgradeInPlaceKeepsTheMainPidAndTheUnitActiveWithNoJobLeft()
    {
        string cursor = InstalledStarterHost.Check(_host.Container.Run("journalctl", "-n", "0", "--show-cursor", "--no-pager"), "journalctl --show-cursor")
            .Stdout.Split("-- cursor: ")[1].Trim();
        _host.Start();
        int main = _host.MainPid;
        var processes = _host.Processes();
        string before = _host.Get();
        // As the .deb's postinst runs it for a running service: the pid file is the unit's (ExecStart='s --pid-file=).
        var upgrade = _host.Container.Run(TimeSpan.FromSeconds(90),
            "/usr/bin/starterhost", "--upgrade", "--pid-file=/run/starterhost/starterhost.pid", "--timeout=60");
        _output.WriteLine($"starterhost --upgrade under systemd: {upgrade}");
        InstalledStarterHost.Check(upgrade, "starterhost --upgrade");
        JournalUntil(e => Message(e)?.StartsWith("upgraded in place to ", StringComparison.Ordinal) == true
            && e.GetProperty("_PID").GetString() == main.ToString(System.Globalization.CultureInfo.InvariantCulture), "the upgrade in the journal");

        // The same process for systemd (NotifyAccess=main still lets it speak), not restarted, nothing failed.
        Assert.Equal(main, _host.MainPid);
        Assert.Equal("0", _host.Show("NRestarts"));
        Assert.Equal("active/running", _host.State);
        Assert.Equal("success", _host.Show("Result"));
        Assert.NotEqual(0, _host.Systemctl("is-failed", InstalledStarterHost.Service).ExitCode);
        var jobs = InstalledStarterHost.Check(_host.Systemctl("list-jobs", "--no-legend", "--no-pager"), "systemctl list-jobs").Stdout;
        Assert.DoesNotContain(InstalledStarterHost.Service, jobs, StringComparison.Ordinal);
        // systemd's word on the unit since the start (its "Started" shows the query finds it): no notification refused
        // (NotifyAccess=main: the pid is the same, and the preflight child must not speak), no watchdog timeout.
        string systemd = InstalledStarterHost.Check(_host.Container.Run("journalctl", "--no-pager", "-o", "cat", "-u", InstalledStarterHost.Service,
            $"--after-cursor={cursor}"), "journalctl -u").Stdout;
        _output.WriteLine($"the unit's journal since the start:\n{systemd}");
        Assert.Contains("Started ", systemd, StringComparison.Ordinal);
        Assert.DoesNotContain("reception only permitted", systemd, StringComparison.Ordinal);
        Assert.DoesNotContain("Watchdog timeout", systemd, StringComparison.Ordinal);
        // The workers untouched: every process of the unit is still the one it was, and the same worker answers.
        Assert.Empty(processes.Select(p => p.Pid).Except(_host.StillAlive(processes)));
        Assert.Equal(before, _host.Get());
        Assert.Equal(1, InstalledStarterHost.GenerationOf(_host.GetUnix()));
    }

    /// <summary>What the journal has of the service's current run (its invocation), as journalctl -o json gives it.</summary>
    private List<JsonElement> Journal()
    {
        var journal = InstalledStarterHost.Check(
            _host.Container.Run("journalctl", "--no-pager", "-o", "json", $"_SYSTEMD_INVOCATION_ID={_host.Show("InvocationID")}"), "journalctl");
        return [.. journal.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
    }

    /// <summary>The first entry that matches, once the journal has it (it may trail what was written).</summary>
    private JsonElement JournalUntil(Func<JsonElement, bool> match, string what)
    {
        JsonElement? found = null;
        Eventually.True(() => (found = Journal().Cast<JsonElement?>().FirstOrDefault(e => match(e!.Value))) is not null, what);
        return found!.Value;
    }

    private static string? Message(JsonElement entry) =>
        entry.TryGetProperty("MESSAGE", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;

    private static string? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
