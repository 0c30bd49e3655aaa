using System.Diagnostics;
using StarterHost.Configuration;
using StarterHost.Interop;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Upgrade;

namespace StarterHost.Client;

/// <summary>
/// <c>--upgrade</c>: sends SIGUSR2 to the running StarterHost and waits until it says how the upgrade in place ended
/// (<see cref="UpgradeResultFile"/>, beside the pid file): done once the new image has taken the state over and
/// supervises, with the same pid; refused (the new file's check failed) or rolled back, with the reason. Fails, too,
/// when the process is gone or --timeout passes.
/// </summary>
internal static class UpgradeClient
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static void Run(StarterOptions options, TextWriter output)
    {
        string pidFile = options.PidFile!;
        int pid = PidFile.ReadPid(pidFile) ?? throw new ClientFailure($"failed to read a pid from {pidFile}");
        ulong? started = ProcessStartTime.Of(pid);
        string resultFile = UpgradeResultFile.Of(pidFile);
        var before = UpgradeResultFile.Read(resultFile);
        if (!Posix.SendSignal(pid, SignalNames.Usr2))
            throw new ClientFailure($"failed to send SIGUSR2 to the server process {pid}: no such process");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (UpgradeResultFile.Read(resultFile) is { } result && result != before)
            {
                if (!result.Succeeded)
                    throw new ClientFailure($"upgrade failed: {result.Text}");
                output.WriteLine($"upgrade complete: pid {pid} runs {result.Text}");
                return;
            }
            // The same process, not just the same number: the pid file outlives a crash.
            if (started is null || !ProcessStartTime.IsStill(pid, started.Value))
                throw new ClientFailure($"the server process {pid} exited before the upgrade completed");
            if (options.Timeout > 0 && clock.Elapsed >= TimeSpan.FromSeconds(options.Timeout))
                throw new ClientFailure($"the upgrade did not complete within {options.Timeout} s");
            Thread.Sleep(PollInterval);
        }
    }
}
