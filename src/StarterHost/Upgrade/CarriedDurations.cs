using System.Collections.Immutable;

namespace StarterHost.Upgrade;

/// <summary>
/// The metrics' durations (<see cref="Supervision.MetricsTimeline"/>): both histograms, each live worker's first signal
/// and a handover under way, as CLOCK_MONOTONIC microseconds, which an exec keeps.
/// </summary>
internal sealed record CarriedDurations(CarriedHistogram Handover, CarriedHistogram Drain, ImmutableArray<CarriedSignal> Workers,
    CarriedHandover? Waiting);

/// <summary>Counts per bucket (not cumulative, one more than the bounds) and their sum.</summary>
internal sealed record CarriedHistogram(ImmutableArray<double> UpperBounds, ImmutableArray<long> Counts, double Sum);

/// <param name="SignalledAt">When it was first signalled, 0 while it was not.</param>
internal sealed record CarriedSignal(int Pid, long SignalledAt);

internal sealed record CarriedHandover(long Start, int From);
