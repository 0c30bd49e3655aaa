using System.Collections.Immutable;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Supervision;
using StarterHost.Workers;

namespace StarterHost.Upgrade;

/// <summary>
/// What the supervisor holds beyond the machine's state, as an upgrade hands it over: the pid file, the listening
/// sockets, the notify sockets of the live workers and their directory, the --metrics socket.
/// </summary>
internal sealed record HeldDescriptors(int? PidFileFd, IReadOnlyList<CarriedListener> Listeners, string? NotifyDirectory,
    IReadOnlyList<CarriedNotifySocket> NotifySockets, CarriedMetricsSocket? MetricsSocket = null);

/// <summary>
/// The real <see cref="IUpgrader"/>: the preflight through <see cref="UpgradeCheckRunner"/>, and the exec. The exec
/// keeps an fd to the running image (/proc/self/exe) for the new one to roll back to, writes the handoff into a sealed
/// memfd, clears FD_CLOEXEC on exactly what must survive (<see cref="Posix.InheritOnly"/>) and execs the file resolved
/// at start, with the original command line and environment. It runs on the loop thread, the main thread, which
/// spawned the workers: their parent-death signal follows that thread, and an exec from it does not fire it.
/// </summary>
/// <param name="pause">Quiets what the effect layer serves before the exec (the metrics' open scrapes), and its result resumes it when the exec failed.</param>
internal sealed class InPlaceUpgrade(ImageLocation location, Func<HeldDescriptors> held, string? resultFile, DateTime imageStartedAt,
    Func<Action>? pause = null) : IUpgrader
{
    private readonly UpgradeCheckRunner _check = new(location);
    private readonly int _pid = Posix.CurrentPid;

    public void StartCheck(int attempt, StateSnapshot state, CarriedTimeline? timeline, CarriedDurations durations) =>
        _check.Start(attempt, Handoff(attempt, "", state, [], held(), timeline, durations).ToJson());

    public void StopCheck(int attempt) => _check.Stop(attempt);

    public UpgradeCheckFinished? CheckFinished(int pid, WaitStatus status) => _check.Finished(pid, status);

    public string Exec(int attempt, string version, StateSnapshot state, IReadOnlyList<int> signals, CarriedTimeline? timeline, CarriedDurations durations)
    {
        Action? resume;
        try
        {
            resume = pause?.Invoke();
        }
        catch (PosixException e)
        {
            return $"cannot quiet what StarterHost serves before the exec: {e.Message}";
        }
        int[] kept = [];
        int image = -1;
        int memfd = -1;
        try
        {
            var handoff = Handoff(attempt, version, state, signals, held(), timeline, durations);
            kept = [.. handoff.Descriptors];
            image = Posix.OpenRunningImage();
            memfd = StateHandoff.Write(StateSnapshot.CurrentSchema,
                (handoff with { ExecAtMicroseconds = Posix.MonotonicMicroseconds }).ToJson());
            string[] environment =
            [
                .. UpgradeEnvironment.Without(location.Environment),
                $"{StateHandoff.Variable}={memfd}",
                $"{UpgradeEnvironment.ImageVariable}={image}",
            ];
            Posix.InheritOnly([.. kept, memfd, image]);
            Console.Out.Flush();
            Console.Error.Flush();
            Posix.Exec(location.Executable, location.Arguments, environment);
            return $"exec of {location.Executable} returned";
        }
        catch (Exception e) when (e is PosixException or IOException or HandoffException)
        {
            return $"cannot execute {location.Executable}: {e.Message}";
        }
        finally
        {
            // Only reached when no exec happened: everything is as it was.
            foreach (int fd in kept)
                Posix.SetInheritable(fd, false);
            if (memfd >= 0)
                Posix.Close(memfd);
            if (image >= 0)
                Posix.Close(image);
            resume?.Invoke();
        }
    }

    public void Report(int attempt, bool succeeded, string text)
    {
        if (resultFile is not null)
            UpgradeResultFile.Write(resultFile, attempt, succeeded, text, _pid);
    }

    private UpgradeHandoff Handoff(int attempt, string version, StateSnapshot state, IReadOnlyList<int> signals, HeldDescriptors descriptors,
        CarriedTimeline? timeline, CarriedDurations durations) =>
        new(state, attempt, version, CarriedImage.Of(location),
            [.. state.State.Roster.LivePids.Select(pid => new CarriedWorker(pid, ProcessStartTime.Of(pid) ?? 0))],
            [.. signals], descriptors.PidFileFd, [.. descriptors.Listeners], descriptors.NotifyDirectory, [.. descriptors.NotifySockets],
            imageStartedAt, timeline, durations, descriptors.MetricsSocket);
}
