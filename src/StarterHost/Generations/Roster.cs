using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;

namespace StarterHost.Generations;

/// <summary>
/// The generations and their workers. Invariant, as in tableflip: at most one generation is starting
/// (<see cref="Pending"/>), or, with one worker per generation, a crash waits to respawn (<see cref="Respawn"/>);
/// <see cref="Current"/> is the last one that started and has not died, one worker per slot, and a slot may have
/// a replacement starting; <see cref="Old"/> are on their way out; <see cref="Leftovers"/> are process groups
/// whose leader exited.
/// </summary>
internal sealed record Roster
{
    /// <summary>Server::Starter: every spawn attempt takes the next generation number.</summary>
    public int LastGeneration { get; init; }

    public ServingGeneration? Current { get; init; }

    public PendingGeneration? Pending { get; init; }

    public Respawn? Respawn { get; init; }

    public ImmutableList<OldWorker> Old { get; init; } = [];

    public ImmutableList<LeftoverGroup> Leftovers { get; init; } = [];

    /// <summary>A HUP came while a generation started: one more restart follows once it has.</summary>
    public bool RestartQueued { get; init; }

    /// <summary>Server::Starter: the auto-restart is due but waits for the old workers to go (forced at twice the interval).</summary>
    public bool AutoRestartOverdue { get; init; }

    /// <summary>The workers serving the current generation's slots.</summary>
    [JsonIgnore]
    public ImmutableArray<Worker> CurrentWorkers => Current is null ? [] : [.. Current.Serving.Select(m => m.Worker)];

    /// <summary>What the status file should say: the current workers and every old one still alive that served.</summary>
    [JsonIgnore]
    public ImmutableArray<Worker> StatusEntries =>
        [.. Old.Where(o => o.Served).Select(o => o.Worker).Concat(CurrentWorkers)
            .OrderBy(w => w.Generation.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ThenBy(w => w.Pid)];

    /// <summary>Every live worker process, oldest generation first: old, current (and replacements), starting.</summary>
    [JsonIgnore]
    public ImmutableArray<Worker> LiveWorkers =>
        [.. Old.Select(o => o.Worker)
            .Concat(CurrentWorkers)
            .Concat(Current is null ? [] : Current.Replacements.Where(m => m.Pid > 0).Select(m => m.Worker))
            .Concat(Pending is { Failed: false } p ? p.Members.Where(m => m.Pid > 0).Select(m => m.Worker) : [])];

    [JsonIgnore]
    public ImmutableArray<int> LivePids => [.. LiveWorkers.Select(w => w.Pid)];

    /// <summary>
    /// A worker, or what one left of its process group, is still alive, or a spawn has not come back yet (its
    /// worker may be alive then): a stop waits for it.
    /// </summary>
    [JsonIgnore]
    public bool AnythingAlive => LivePids.Length > 0 || !Leftovers.IsEmpty || SpawnsOutstanding;

    private bool SpawnsOutstanding =>
        (Pending is { Failed: false } p && p.Members.Any(m => m.Phase == MemberPhase.Spawning))
        || (Current?.Replacements.Any(m => m.Phase == MemberPhase.Spawning) ?? false);

    /// <summary>The generation a restart waits for: the one starting, or, after a crash, the one that died and waits to respawn.</summary>
    [JsonIgnore]
    public int? StartingGeneration => Pending?.Generation ?? Respawn?.Generation;

    /// <summary>Old workers that still serve: replaced, but their successors have not started yet.</summary>
    [JsonIgnore]
    public IEnumerable<OldWorker> OldStillServing => Old.Where(o => o.Retirement == Retirement.Waiting && o.Served);

    /// <summary>The generation of a live worker, or null when the pid is none of them.</summary>
    public int? GenerationOf(int pid) => LiveWorkers.FirstOrDefault(w => w.Pid == pid)?.Generation;

    /// <summary>A live member of the starting generation, or null.</summary>
    public Member? PendingMember(int pid) =>
        Pending is { Failed: false } p ? p.Members.FirstOrDefault(m => m.Pid == pid && pid > 0) : null;

    /// <summary>A replacement starting in a slot of the current generation, or null.</summary>
    public Member? Replacement(int pid) => Current?.Replacements.FirstOrDefault(m => m.Pid == pid && pid > 0);

    /// <summary>The worker serving a slot of the current generation, or null.</summary>
    public Member? ServingMember(int pid) => Current?.Serving.FirstOrDefault(m => m.Pid == pid);

    /// <summary>The roster without this worker. Its slot stays, empty.</summary>
    public Roster Without(int pid) => this with
    {
        Current = Current is { } current
            ? current with { Slots = [.. current.Slots.Select(s => new PoolSlot(s.Serving?.Pid == pid ? null : s.Serving, s.Replacement?.Pid == pid ? null : s.Replacement))] }
            : null,
        Pending = PendingWithout(Pending, pid),
        Old = Old.RemoveAll(o => o.Worker.Pid == pid),
    };

    /// <summary>
    /// Only while stopping does a member of a starting generation exit without failing it; the
    /// generation goes with its last live member.
    /// </summary>
    private static PendingGeneration? PendingWithout(PendingGeneration? pending, int pid)
    {
        if (pending is not { Failed: false } || pid <= 0 || !pending.Members.Any(m => m.Pid == pid))
            return pending;
        var left = pending.Members.Select(m => m.Pid == pid ? m with { Pid = 0, Phase = MemberPhase.Queued } : m).ToImmutableArray();
        return left.Any(m => m.Pid > 0) ? pending with { Members = left } : null;
    }

    /// <summary>These old workers are now where <paramref name="retirement"/> says.</summary>
    public Roster Marked(ImmutableArray<int> pids, Retirement retirement) => this with
    {
        Old = [.. Old.Select(o => pids.Contains(o.Worker.Pid) ? o with { Retirement = retirement } : o)],
    };

    // The lists compare by reference; two rosters are equal when they hold the same.
    public bool Equals(Roster? other) =>
        other is not null && LastGeneration == other.LastGeneration && Equals(Current, other.Current) && Equals(Pending, other.Pending)
        && Equals(Respawn, other.Respawn) && Old.SequenceEqual(other.Old) && Leftovers.SequenceEqual(other.Leftovers)
        && RestartQueued == other.RestartQueued && AutoRestartOverdue == other.AutoRestartOverdue;

    public override int GetHashCode() => HashCode.Combine(LastGeneration, Old.Count, Leftovers.Count);
}

/// <summary>
/// With one worker per generation, the serving worker died and the next generation waits out the backoff
/// (start_server respawns at once; so does StarterHost after a worker that had served a second). Its retry is
/// <see cref="RetryDue"/> of <paramref name="Generation"/>, the generation that died.
/// </summary>
internal sealed record Respawn(int Generation);
