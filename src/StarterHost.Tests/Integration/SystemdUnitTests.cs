using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using StarterHost.Configuration;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Integration;

/// <summary>The shipped units in deploy/systemd: accepted by systemd-analyze verify, and their commands by StarterHost.</summary>
public sealed class SystemdUnitTests : IDisposable
{
    private const string Analyzer = "/usr/bin/systemd-analyze";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Deploy => Path.Combine(Repository.Root, "deploy", "systemd");

    [Fact]
    public void TheUnitsAndTheDropInPassSystemdAnalyzeVerifyWithoutAWord()
    {
        if (!File.Exists(Analyzer))
            Assert.Fail($"{Analyzer} is not installed (apt-get install systemd); .ci/run installs it");
        // A root of our own: the units where systemd looks for them, the binary where ExecStart= says,
        // and the distribution's units for the targets they refer to. PID 1 need not be systemd.
        string root = _dir.Path;
        string units = Directory.CreateDirectory(Path.Combine(root, "etc/systemd/system/starterhost.service.d")).Parent!.FullName;
        File.Copy(Path.Combine(Deploy, "starterhost.service"), Path.Combine(units, "starterhost.service"));
        File.Copy(Path.Combine(Deploy, "starterhost.socket"), Path.Combine(units, "starterhost.socket"));
        File.Copy(Path.Combine(Deploy, "starterhost.service.d", "example.conf"), Path.Combine(units, "starterhost.service.d", "example.conf"));
        Directory.CreateDirectory(Path.Combine(root, "usr/local/bin"));
        File.Copy(StarterProcess.ExecutablePath, Path.Combine(root, "usr/local/bin/starterhost"));
        Directory.CreateDirectory(Path.Combine(root, "usr/lib/systemd"));
        Run("/bin/cp", "-a", "/usr/lib/systemd/system", Path.Combine(root, "usr/lib/systemd/"));

        // --man=no: whether Documentation='s man pages exist depends on this machine, not on the units.
        var (code, output) = Run(Analyzer, "verify", "--man=no", $"--root={root}", Path.Combine(units, "starterhost.service"), Path.Combine(units, "starterhost.socket"));
        Assert.True(code == 0 && output.Length == 0, $"systemd-analyze verify said (exit {code}):\n{output}");
    }

    [Fact]
    public void ExecReloadIsACommandStarterHostUnderstands()
    {
        string unit = File.ReadAllText(Path.Combine(Deploy, "starterhost.service"));
        string line = Regex.Match(unit, @"^ExecReload=/usr/local/bin/starterhost (.*)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Contains("--reload", line);
        string[] args = line.Replace("%t", _dir.Path, StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Parsed and validated; it fails only because no server runs here.
        var (code, output) = StarterProcess.Run(args);
        Assert.Equal(1, code);
        Assert.Contains("failed to read a pid from", output);
    }

    [Fact]
    public void TheUnitsDrainTimeoutEndsBeforeSystemdWouldKill()
    {
        string unit = File.ReadAllText(Path.Combine(Deploy, "starterhost.service"));
        int Seconds(string pattern) => int.Parse(Regex.Match(unit, pattern, RegexOptions.Multiline).Groups[1].Value);
        Assert.True(Seconds(@"^Environment=Starter__DrainTimeout=(\d+)$") < Seconds(@"^TimeoutStopSec=(\d+)$"));
        // On the command line it would override the drop-in's and the configuration file's.
        Assert.DoesNotContain("drain-timeout", Regex.Match(unit, @"^ExecStart=.*$", RegexOptions.Multiline).Value);
    }

    [Fact]
    public void TheExampleConfigurationNamesOnlyRealSettings()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Deploy, "appsettings.example.json")));
        var known = typeof(StarterOptions).GetProperties().Select(p => p.Name).ToHashSet();
        foreach (var setting in json.RootElement.GetProperty(StarterOptions.SectionName).EnumerateObject())
            Assert.Contains(setting.Name, known);
    }

    private static (int Code, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(StarterProcess.DefaultTimeout))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not return");
        }
        return (process.ExitCode, (stdout.Result + stderr).Trim());
    }
}
