using System.Diagnostics;

namespace StarterHost.Tests.Support;

/// <summary>Prometheus's promtool (Debian's prometheus package): the linter of the exposition format and of rule files.</summary>
internal static class Promtool
{
    public const string Path = "/usr/bin/promtool";

    /// <summary>Why a test that needs promtool cannot run here; null when it can.</summary>
    public static string? Unavailable => File.Exists(Path) ? null : $"no {Path} here (apt-get install prometheus)";

    /// <summary>promtool with <paramref name="args"/>, <paramref name="input"/> on its stdin: its exit code and everything it said.</summary>
    public static (int ExitCode, string Output) Run(IEnumerable<string> args, byte[]? input = null)
    {
        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
            process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        if (!process.WaitForExit(StarterProcess.DefaultTimeout) || !Task.WaitAll([stdout, stderr], StarterProcess.DefaultTimeout))
        {
            process.Kill();
            throw new TimeoutException($"promtool {string.Join(' ', info.ArgumentList)} did not finish");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Asserts that <c>promtool check metrics</c> finds nothing wrong (no parse error, no lint problem) in <paramref name="exposition"/>.</summary>
    public static void AssertCleanMetrics(byte[] exposition)
    {
        var (code, output) = Run(["check", "metrics"], exposition);
        Assert.True(code == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {code}\n{output}");
    }
}
