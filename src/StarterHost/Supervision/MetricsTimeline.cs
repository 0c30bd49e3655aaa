using StarterHost.Generations;
using StarterHost.Metrics;
using StarterHost.Upgrade;

namespace StarterHost.Supervision;

/// <summary>
/// The two durations the metrics give, which the pure machine has no clock for: stamped from the loop's clock as the
/// supervisor spawns, signals and reaps, and as it sees what an event did to the state. Loop thread only; the
/// histograms it observes into are read by scrapes and the meter.
/// </summary>
/// <remarks>
/// <para><b>Drain</b>: a worker's first signal (the one asking it to go) until it is reaped.</para>
/// <para>
/// <b>Handover</b>: a restart's start (a HUP once its check passed, or an auto-restart: the machine counts it in
/// <see cref="Counters.Restarts"/>) until a newer generation serves and no older worker still does (each is draining,
/// killed or gone). A restart that fails and is retried is one wait, however many generations it takes. A stop ends
/// the wait unobserved.
/// </para>
/// </remarks>
internal sealed class MetricsTimeline(TimeProvider time, DurationHistogram handover, DurationHistogram drain)
{
    // Each live worker spawned, and when it was first signalled (0: not yet).
    private readonly Dictionary<int, long> _workers = [];
    private (long Start, int From)? _handover;

    public DurationHistogram Handover => handover;

    public DurationHistogram Drain => drain;

    public void Spawned(int pid) => _workers[pid] = 0;

    public void Signalled(int pid)
    {
        // Only workers, and only their first signal: a SIGKILL at the deadline is part of the same drain.
        if (_workers.TryGetValue(pid, out long signalled) && signalled == 0)
            _workers[pid] = time.GetTimestamp();
    }

    /// <summary>A worker was reaped (the check command and orphans are not workers).</summary>
    public void Exited(int pid)
    {
        if (_workers.Remove(pid, out long signalled) && signalled != 0)
            drain.Observe(time.GetElapsedTime(signalled));
    }

    /// <summary>The machine went from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public void Applied(GenerationState before, GenerationState after)
    {
        if (after.Stopping)
        {
            _handover = null;
            return;
        }
        if (_handover is null && after.Counters.Restarts > before.Counters.Restarts)
            _handover = (time.GetTimestamp(), ServingGeneration(before));
        if (_handover is var (start, from) && after.Roster.Current is { } current && current.Generation > from && !OldStillServing(after.Roster))
        {
            handover.Observe(time.GetElapsedTime(start));
            _handover = null;
        }
    }

    /// <summary>What an upgrade in place hands the next image: the counts so far, and what is being timed.</summary>
    public CarriedDurations Carried() => new(Carry(handover.Snapshot()), Carry(drain.Snapshot()),
        [.. _workers.Select(w => new CarriedSignal(w.Key, w.Value))],
        _handover is var (start, from) ? new CarriedHandover(start, from) : null);

    /// <summary>
    /// In the image an upgrade started: the old image's counts and timings go on (the clock is CLOCK_MONOTONIC, which
    /// the exec keeps). Before the first event, so that nothing this image observed is counted twice.
    /// </summary>
    public void Adopt(CarriedDurations carried)
    {
        handover.Add(new HistogramSnapshot(carried.Handover.UpperBounds, carried.Handover.Counts, carried.Handover.Sum));
        drain.Add(new HistogramSnapshot(carried.Drain.UpperBounds, carried.Drain.Counts, carried.Drain.Sum));
        foreach (var worker in carried.Workers)
            _workers[worker.Pid] = worker.SignalledAt;
        if (carried.Waiting is { } waiting)
            _handover = (waiting.Start, waiting.From);
    }

    private static CarriedHistogram Carry(HistogramSnapshot snapshot) => new([.. snapshot.UpperBounds], [.. snapshot.Counts], snapshot.Sum);

    /// <summary>The newest generation serving: the current one, or during a restart the newest old one that served.</summary>
    public static int ServingGeneration(GenerationState state) =>
        state.Roster.Current?.Generation ?? state.Roster.Old.Where(o => o.Served).Select(o => o.Worker.Generation).DefaultIfEmpty(0).Max();

    // Not yet signalled: waiting for its successor, or for the kill-old-delay.
    private static bool OldStillServing(Roster roster) =>
        roster.Old.Any(o => o.Served && o.Retirement is Retirement.Waiting or Retirement.Scheduled);
}
