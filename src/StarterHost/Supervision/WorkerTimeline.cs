using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Upgrade;
using StarterHost.Workers;

namespace StarterHost.Supervision;

/// <summary>
/// The times <c>--status-json</c> gives, which the pure machine has no clock for: stamped from the supervisor's
/// <see cref="TimeProvider"/> as it spawns, signals and reaps, and as a document it carries out first shows a
/// worker started or a new failure. With the machine's <see cref="StatusDetail"/> they make the report.
/// </summary>
internal sealed class WorkerTimeline(TimeProvider time)
{
    private sealed class Times(int generation, int slot, DateTime startedAt)
    {
        public int Generation => generation;
        public int Slot => slot;
        public DateTime StartedAt => startedAt;
        public DateTime? ReadyAt { get; set; }
        public DateTime? SignalledAt { get; set; }
        public int Signal { get; set; }
    }

    private readonly Dictionary<int, Times> _live = [];
    private readonly Dictionary<int, ExitReport> _lastExitBySlot = [];
    private (int Count, Failure? Failure) _failureSeen;
    private DateTime _failureAt;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public void Spawned(int pid, int generation, int slot) => _live[pid] = new Times(generation, slot, Now);

    /// <summary>The first signal is the one that began the worker's drain; a later SIGKILL shows in its state.</summary>
    public void Signalled(int pid, int signal)
    {
        if (_live.TryGetValue(pid, out var times) && times.SignalledAt is null)
        {
            times.SignalledAt = Now;
            times.Signal = signal;
        }
    }

    /// <summary>A reaped child: a worker's exit becomes its slot's last exit; an orphan's or the check's is none of ours.</summary>
    public void Exited(int pid, WaitStatus status)
    {
        if (!_live.Remove(pid, out var times))
            return;
        _lastExitBySlot[times.Slot] = new ExitReport(pid, times.Generation, status.Raw,
            status.Exited ? status.ExitCode : null, status.Exited ? null : SignalNames.NameOf(status.TerminatingSignal), Now);
    }

    /// <summary>The report of a document the supervisor is about to write; what it shows first is stamped now.</summary>
    public StatusReport Report(StatusDocument document, HostReport host)
    {
        var detail = document.Detail ?? throw new ArgumentException("a document without detail", nameof(document));
        var now = Now;
        if ((detail.Failures, detail.LastFailure) != _failureSeen)
        {
            _failureSeen = (detail.Failures, detail.LastFailure);
            _failureAt = now;
        }
        var processes = detail.Processes.Select(p => Process(p, now)).ToList();
        return new StatusReport(StatusReport.CurrentFormat, host with { Upgrades = detail.Upgrades }, now, detail.Stopping ? "stopping" : "running",
            detail.Restarts, detail.Failures, detail.ConsecutiveFailures,
            detail.LastFailure is { } failure ? new FailureReport(FailureDescription.Of(failure), _failureAt) : null,
            document.Failure is { } failed ? new RestartFailureReport(failed.Generation, FailureDescription.Of(failed.Reason)) : null,
            processes, new WorkersReport(detail.ConfiguredWorkers, detail.Workers));
    }

    private ProcessReport Process(ProcessStatus process, DateTime now)
    {
        var worker = process.Worker;
        // Every worker is spawned through the supervisor; should one not have been seen, it is seen now.
        if (!_live.TryGetValue(worker.Pid, out var times))
            _live[worker.Pid] = times = new Times(worker.Generation, worker.Slot, now);
        if (process.State is ProcessState.Ready or ProcessState.Serving && times.ReadyAt is null)
            times.ReadyAt = now;
        return new ProcessReport(worker.Generation, worker.Slot, worker.Pid, StateName(process.State),
            times.StartedAt, times.ReadyAt, times.SignalledAt, times.SignalledAt is null ? null : SignalNames.NameOf(times.Signal),
            _lastExitBySlot.GetValueOrDefault(worker.Slot));
    }

    /// <summary>What an upgrade in place hands the next image, so that the times --status-json gives carry on.</summary>
    public CarriedTimeline Carried() => new(
        [.. _live.Select(l => new CarriedTimes(l.Key, l.Value.Generation, l.Value.Slot, l.Value.StartedAt, l.Value.ReadyAt, l.Value.SignalledAt, l.Value.Signal))],
        [.. _lastExitBySlot.Select(e => new CarriedExit(e.Key, e.Value))],
        _failureSeen.Count, _failureAt);

    /// <summary>
    /// In the image an upgrade started: the old image's times. Its failure time stands for the failure the restored
    /// state holds when it had seen as many (<paramref name="failures"/>); else that failure is stamped when first shown.
    /// </summary>
    public void Adopt(CarriedTimeline carried, int failures, Failure? last)
    {
        foreach (var t in carried.Live)
            _live[t.Pid] = new Times(t.Generation, t.Slot, t.StartedAt) { ReadyAt = t.ReadyAt, SignalledAt = t.SignalledAt, Signal = t.Signal };
        foreach (var exit in carried.LastExits)
            _lastExitBySlot[exit.Slot] = exit.Exit;
        if (carried.FailuresSeen == failures)
        {
            _failureSeen = (failures, last);
            _failureAt = carried.FailureAt;
        }
    }

    public static string StateName(ProcessState state) => state switch
    {
        ProcessState.Starting => "starting",
        ProcessState.Ready => "ready",
        ProcessState.Serving => "serving",
        ProcessState.Draining => "draining",
        _ => "killed",
    };
}
