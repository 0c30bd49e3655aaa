using System.Diagnostics;
using System.Text.RegularExpressions;

namespace StarterHost.Tests.Support;

/// <summary>
/// StarterHost run to completion with stdout and stderr kept apart, for what must be said on stderr
/// alone and in exactly one line.
/// </summary>
internal sealed partial record OneShot(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static OneShot Run(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null) =>
        RunProgram(StarterProcess.ExecutablePath, args, environment, workingDirectory);

    /// <summary>Any program (the exec helper, say) run to completion the same way.</summary>
    public static OneShot RunProgram(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = StarterProcess.StartInfo(program, args, environment, workingDirectory);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StarterProcess.DefaultTimeout) || !Task.WaitAll([stdout, stderr], StarterProcess.DefaultTimeout))
        {
            process.Kill();
            throw new TimeoutException($"{program} {string.Join(' ', info.ArgumentList)} did not finish");
        }
        return new OneShot(process.ExitCode, stdout.Result, stderr.Result);
    }

    // How .NET's resource keys look (IO_PathNotFound_Path, Error_FailedToLoad), unlike KILL_OLD_DELAY or Starter__Port.
    [GeneratedRegex(@"[a-z]_[A-Z][a-z]|\b[A-Z]{2,}_[A-Z][a-z]")]
    private static partial Regex ResourceKey();

    /// <summary>Refused at start: exit 1, nothing on stdout, and on stderr exactly <paramref name="line"/>.</summary>
    public void AssertRefused(string line)
    {
        Assert.True(ExitCode == 1, $"exit code {ExitCode}; stderr:\n{Stderr}");
        Assert.Equal([$"starterhost: {line}"], StderrLines);
        Assert.Equal("", Stdout);
        Assert.DoesNotContain("Exception", Stderr);
        Assert.DoesNotMatch(ResourceKey(), Stderr);
    }
}
