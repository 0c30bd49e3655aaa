using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace StarterHost.Generations;

/// <summary>Why a generation is being started: this decides what happens to the old ones once it has.</summary>
internal enum SpawnReason
{
    Initial,
    Restart,
    Crash,
}

/// <summary>Where an old worker is on its way out.</summary>
internal enum Retirement
{
    /// <summary>Replaced, but its successor has not started yet: it keeps serving.</summary>
    Waiting,

    /// <summary>Its successor started; the kill-old-delay is running.</summary>
    Scheduled,

    /// <summary>Sent the signal-on-hup; draining, until the drain deadline.</summary>
    Signalled,

    /// <summary>Still alive at the drain deadline: its process group was sent SIGKILL.</summary>
    Killed,
}

/// <summary>Where a worker of a starting generation, or a replacement in a serving one, is on its way to serving.</summary>
internal enum MemberPhase
{
    /// <summary>
    /// Waits out the backoff before it is spawned. While stopping, also a member of the starting generation
    /// whose worker exited or could not be spawned: nothing will be spawned for it.
    /// </summary>
    Queued,

    /// <summary>Its spawn was asked for; no pid yet.</summary>
    Spawning,

    /// <summary>Spawned through the exec helper: its program, and its time to start, begin at <see cref="WorkerExecuted"/>.</summary>
    Execing,

    /// <summary>Its --interval or --start-timeout runs.</summary>
    Starting,

    /// <summary>Started: it lived --interval or said READY=1.</summary>
    Ready,
}

/// <summary>A worker process: its generation, its pid, and its slot (0 to --workers - 1, SERVER_STARTER_WORKER).</summary>
internal sealed record Worker(int Generation, int Pid, int Slot = 0);

/// <summary>A worker on its way to serving a slot of <paramref name="Generation"/>. Pid is 0 until spawned.</summary>
internal sealed record Member(int Generation, int Slot, MemberPhase Phase, int Pid = 0)
{
    [JsonIgnore]
    public Worker Worker => new(Generation, Pid, Slot);
}

/// <summary>
/// A slot of the serving generation: the worker serving it, and one starting to take it over (after a
/// crash, or to recycle the one serving).
/// </summary>
internal sealed record PoolSlot(Member? Serving, Member? Replacement = null);

/// <summary>The generation that started last and serves: one slot per worker.</summary>
internal sealed record ServingGeneration(int Generation, ImmutableArray<PoolSlot> Slots)
{
    [JsonIgnore]
    public IEnumerable<Member> Serving => Slots.Select(s => s.Serving).OfType<Member>();

    [JsonIgnore]
    public IEnumerable<Member> Replacements => Slots.Select(s => s.Replacement).OfType<Member>();

    public ServingGeneration With(int slot, PoolSlot value) => this with { Slots = Slots.SetItem(slot, value) };

    // ImmutableArray compares by reference; two generations are equal when they hold the same.
    public bool Equals(ServingGeneration? other) => other is not null && Generation == other.Generation && Slots.SequenceEqual(other.Slots);

    public override int GetHashCode() => HashCode.Combine(Generation, Slots.Length);
}

/// <summary>
/// The generation being started, one member per slot. <paramref name="Failed"/> once a member died, could
/// not be spawned or timed out; with <paramref name="AwaitsIntervalOf"/> the next attempt waits until the
/// --interval of the worker that died is over, as start_server does.
/// </summary>
internal sealed record PendingGeneration(int Generation, SpawnReason Reason, ImmutableArray<Member> Members, bool Failed = false, int AwaitsIntervalOf = 0)
{
    public PendingGeneration With(Member member) => this with { Members = Members.SetItem(member.Slot, member) };

    // ImmutableArray compares by reference; two generations are equal when they hold the same.
    public bool Equals(PendingGeneration? other) =>
        other is not null && Generation == other.Generation && Reason == other.Reason && Members.SequenceEqual(other.Members)
        && Failed == other.Failed && AwaitsIntervalOf == other.AwaitsIntervalOf;

    public override int GetHashCode() => HashCode.Combine(Generation, Members.Length);
}

/// <summary>
/// A worker on its way out. <paramref name="Served"/> is false for a new worker stopped before its generation started: no
/// status file names it. <paramref name="Recycled"/>: replaced in its slot for --max-worker-lifetime or --max-worker-rss.
/// <paramref name="Hung"/>: sent away by the worker watchdog (--worker-watchdog).
/// </summary>
internal sealed record OldWorker(Worker Worker, Retirement Retirement, bool Served = true, bool Recycled = false, bool Hung = false);

/// <summary>What is left of a worker's process group after the worker itself exited; the group id is the worker's pid.</summary>
internal sealed record LeftoverGroup(int Pgid, int Generation, bool Killed = false);
