using System.Diagnostics;
using StarterHost.Tests.Interop;
using StarterHost.Tests.Upgrade;

namespace StarterHost.Tests.Support;

/// <summary>
/// The test assembly run as a program ("dotnet StarterHost.Tests.dll child NAME ARGS…") for what must happen in a
/// process of its own, not in the test host: an exec in place replaces the process that calls it, and a signal mask
/// set before the runtime starts is inherited by every thread of that process only.
/// </summary>
internal static class ChildProgram
{
    private static readonly Dictionary<string, Func<string[], int>> Children = new()
    {
        ["exec"] = ExecTests.ExecChild,
        ["exec-image"] = ExecTests.ExecImageChild,
        ["inherit-only"] = DescriptorTests.InheritOnlyChild,
        ["pending"] = SignalMaskTests.PendingChild,
        ["signalfd"] = SignalMaskTests.SignalFdChild,
        ["finalizer"] = SignalMaskTests.FinalizerChild,
        ["image-location"] = ImageLocationTests.AtStartChild,
        ["handoff-send"] = StateHandoffTests.SendChild,
        ["handoff-receive"] = StateHandoffTests.ReceiveChild,
        ["scrape-cost"] = Metrics.ScrapeCost.Child,
        // A StarterHost that reads only state schema ARG: what an incompatible new file answers to --upgrade-check.
        ["upgrade-check-schema"] = args => StarterHost.Upgrade.UpgradeCheck.Run(Console.Out, schema => schema == int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture), "99.0.0"),
    };

    public static int Main(string[] args) =>
        args is ["child", var name, .. var rest] && Children.TryGetValue(name, out var child) ? child(rest) : 2;

    /// <summary>The command that runs child <paramref name="name"/>: the dotnet host, this assembly, the child's name and arguments.</summary>
    public static string[] Command(string name, params string[] args) =>
        ["dotnet", typeof(ChildProgram).Assembly.Location, "child", name, .. args];

    /// <summary>Runs child <paramref name="name"/> to completion (through <paramref name="launcher"/>, if given) and returns what it did.</summary>
    public static Finished Run(string name, string[] args, IReadOnlyList<string>? launcher = null, string? workingDirectory = null)
    {
        using var process = Start(name, args, launcher, workingDirectory);
        return process.Finish();
    }

    public static Started Start(string name, string[] args, IReadOnlyList<string>? launcher = null, string? workingDirectory = null) =>
        StartCommand([.. launcher ?? [], .. Command(name, args)], workingDirectory);

    /// <summary>Runs <paramref name="command"/> (a child's <see cref="Command"/>, changed as a test needs) to completion.</summary>
    public static Finished RunCommand(string[] command, string? workingDirectory = null)
    {
        using var process = StartCommand(command, workingDirectory);
        return process.Finish();
    }

    private static Started StartCommand(string[] command, string? workingDirectory)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (string arg in command.Skip(1))
            info.ArgumentList.Add(arg);
        return new Started(Process.Start(info)!);
    }

    /// <summary>
    /// A launcher that blocks <paramref name="signals"/> and then execs the child, so that every thread the runtime
    /// starts inherits the mask. Perl, not a shell: dash clears its signal mask as it starts.
    /// </summary>
    public static string[] Blocking(params int[] signals) =>
        ["perl", "-MPOSIX", "-e", $"sigprocmask(SIG_BLOCK, POSIX::SigSet->new({string.Join(", ", signals)})) or die; exec @ARGV or die"];

    public sealed record Finished(int ExitCode, string Stdout, string Stderr)
    {
        public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>A running child; disposing it kills it if it is still running.</summary>
    public sealed class Started(Process process) : IDisposable
    {
        private readonly Task<string> _stdout = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

        public int Pid => process.Id;

        public Finished Finish()
        {
            if (!process.WaitForExit(StarterProcess.DefaultTimeout) || !Task.WaitAll([_stdout, _stderr], StarterProcess.DefaultTimeout))
                throw new TimeoutException($"child {process.Id} did not finish");
            return new Finished(process.ExitCode, _stdout.Result, _stderr.Result);
        }

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill();
            process.Dispose();
        }
    }
}
