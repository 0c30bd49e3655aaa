using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace StarterHost.Generations;

/// <summary>
/// What STATUS= says for <c>systemctl status</c>, as data: who serves, who starts, who drains, what last went
/// wrong, part by part in the order they are said. The machine decides what is shown, and tells the service
/// manager whenever it changes (GenerationMachine.Publish); Systemd/ServiceStatusText words it.
/// </summary>
internal sealed record ServiceStatus(ImmutableArray<ServiceStatus.Part> Parts)
{
    public static ServiceStatus Of(GenerationState state)
    {
        var parts = ImmutableArray.CreateBuilder<Part>();
        var roster = state.Roster;
        if (state.Stopping)
            parts.Add(new Stopping(roster.AnythingAlive, Sorted(roster.LivePids)));
        else if (state.WorkerCount == 1)
            OfWorker(state, parts);
        else
            OfPool(state, parts);
        if (!state.Stopping && state.WorkerCount != state.Settings.Workers)
            parts.Add(new Resized(state.WorkerCount, state.Settings.Workers));
        if (state.Upgrade is { } upgrade && !state.Stopping)
            parts.Add(new Upgrading(upgrade.Version));
        if (!roster.Leftovers.IsEmpty)
            parts.Add(new Leftovers(Sorted(roster.Leftovers.Select(l => l.Pgid))));
        if (state.Publication.StatusProblem is { } problem)
            parts.Add(new StatusFileNotWritten(problem));
        if (state.Failures.Last is { } failure && FailureStillCurrent(state))
            parts.Add(new LastFailure(failure));
        return new ServiceStatus(parts.ToImmutable());
    }

    /// <summary>
    /// STATUS= says what is the case now, and a failure stops being the case once a generation (or a slot's
    /// replacement) started after it has served a second: then the failures in a row are forgotten, and an
    /// accepted generation has cleared the restart's failure. A given-up restart stays until the next
    /// generation is accepted, a refused check until then or the next check. The machine has no clock to say
    /// "5 min ago"; the journal and --status-json (lastFailure, with its time) keep the history.
    /// </summary>
    private static bool FailureStillCurrent(GenerationState state) =>
        state.Failures.Consecutive > 0 || state.Failures.RestartFailure is not null;

    /// <summary>One worker per generation: each named by its pid.</summary>
    private static void OfWorker(GenerationState state, ImmutableArray<Part>.Builder parts)
    {
        var roster = state.Roster;
        // During a restart the replaced generation is old but still the one serving.
        var serving = roster.Current is not null ? roster.CurrentWorkers.ToArray() : roster.OldStillServing.Select(o => o.Worker).ToArray();
        foreach (var worker in serving)
            parts.Add(new Serving(worker.Generation, worker.Pid, Said(state, worker.Pid)));
        if (serving.Length == 0)
            parts.Add(new NoneServing());
        foreach (var replacement in roster.Current?.Replacements.Where(m => m.Pid > 0) ?? [])
            parts.Add(new ReplacementStarting(replacement.Pid));
        if (roster.Pending is { Failed: false } pending)
            parts.Add(new Starting(pending.Generation, Said(state, pending.Members[0].Pid)));
        else if (roster.Pending is not null || roster.Respawn is not null)
            parts.Add(RetryingNow(state));
        var draining = roster.Old.Where(o => o.Retirement != Retirement.Waiting).Select(o => o.Worker.Pid);
        if (draining.Any())
            parts.Add(new Draining(Sorted(draining)));
    }

    /// <summary>A pool: counts by generation, as "generation 4: 8/8 ready; generation 3: 2 draining".</summary>
    private static void OfPool(GenerationState state, ImmutableArray<Part>.Builder parts)
    {
        var roster = state.Roster;
        int workers = state.WorkerCount;
        if (roster.Current is null && !roster.OldStillServing.Any())
            parts.Add(new NoneServing());
        if (roster.Current is { } current)
            parts.Add(new PoolReady(current.Generation, current.Serving.Count(), workers));
        if (roster.Pending is { Failed: false } pending)
            parts.Add(new PoolStarting(pending.Generation, pending.Members.Count(m => m.Phase == MemberPhase.Ready), workers));
        else if (roster.Pending is not null || roster.Respawn is not null)
            parts.Add(RetryingNow(state));
        foreach (var old in roster.Old.GroupBy(o => o.Worker.Generation).OrderByDescending(g => g.Key))
        {
            int serving = old.Count(o => o.Retirement == Retirement.Waiting);
            parts.Add(new OldGeneration(old.Key, serving, old.Count() - serving));
        }
    }

    private static Retrying RetryingNow(GenerationState state) =>
        new(state.Failures.Consecutive > 1 ? state.Failures.Consecutive : 0, state.Failures.NextAttemptIn);

    /// <summary>The worker's own STATUS= (notify readiness), if it said one.</summary>
    private static string? Said(GenerationState state, int pid) => state.Publication.WorkerStatus.GetValueOrDefault(pid);

    private static ImmutableArray<int> Sorted(IEnumerable<int> pids) => [.. pids.Order()];

    // ImmutableArray compares by reference; two statuses are equal when they say the same.
    public bool Equals(ServiceStatus? other) => other is not null && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode() => Parts.Length;

    /// <summary>One part of STATUS=; the parts are joined with "; ".</summary>
    [JsonPolymorphic]
    [JsonDerivedType(typeof(Stopping), "stopping")]
    [JsonDerivedType(typeof(Serving), "serving")]
    [JsonDerivedType(typeof(NoneServing), "none-serving")]
    [JsonDerivedType(typeof(ReplacementStarting), "replacement-starting")]
    [JsonDerivedType(typeof(Starting), "starting")]
    [JsonDerivedType(typeof(Retrying), "retrying")]
    [JsonDerivedType(typeof(Draining), "draining")]
    [JsonDerivedType(typeof(PoolReady), "pool-ready")]
    [JsonDerivedType(typeof(PoolStarting), "pool-starting")]
    [JsonDerivedType(typeof(OldGeneration), "old-generation")]
    [JsonDerivedType(typeof(Resized), "resized")]
    [JsonDerivedType(typeof(Leftovers), "leftovers")]
    [JsonDerivedType(typeof(StatusFileNotWritten), "status-file-not-written")]
    [JsonDerivedType(typeof(LastFailure), "last-failure")]
    [JsonDerivedType(typeof(Upgrading), "upgrading")]
    internal abstract record Part;

    /// <summary>StarterHost stops; <paramref name="Waiting"/> for these workers (or for what else is still alive).</summary>
    internal sealed record Stopping(bool Waiting, ImmutableArray<int> Pids) : Part
    {
        public bool Equals(Stopping? other) => other is not null && Waiting == other.Waiting && Pids.SequenceEqual(other.Pids);

        public override int GetHashCode() => Pids.Length;
    }

    /// <summary>One worker per generation: this one serves, and said <paramref name="Said"/> in its own STATUS=.</summary>
    internal sealed record Serving(int Generation, int Pid, string? Said) : Part;

    internal sealed record NoneServing : Part;

    /// <summary>One worker per generation: a replacement (recycling) starts.</summary>
    internal sealed record ReplacementStarting(int Pid) : Part;

    /// <summary>One worker per generation: the next generation starts.</summary>
    internal sealed record Starting(int Generation, string? Said) : Part;

    /// <summary>
    /// A failed start or a crash: a new generation follows, after <paramref name="In"/> when known.
    /// <paramref name="InARow"/>: the failed starts in a row, when more than one (a first is not counted aloud).
    /// </summary>
    internal sealed record Retrying(int InARow, TimeSpan? In) : Part;

    /// <summary>One worker per generation: these old workers were signalled and drain.</summary>
    internal sealed record Draining(ImmutableArray<int> Pids) : Part
    {
        public bool Equals(Draining? other) => other is not null && Pids.SequenceEqual(other.Pids);

        public override int GetHashCode() => Pids.Length;
    }

    /// <summary>A pool: the serving generation and how many of its slots have a worker.</summary>
    internal sealed record PoolReady(int Generation, int Ready, int Workers) : Part;

    /// <summary>A pool: the next generation and how many of its members have started.</summary>
    internal sealed record PoolStarting(int Generation, int Ready, int Workers) : Part;

    /// <summary>A pool: an old generation's workers, still serving or draining.</summary>
    internal sealed record OldGeneration(int Generation, int Serving, int Draining) : Part;

    /// <summary>TTIN and TTOU made the workers per generation <paramref name="Workers"/>, where --workers said <paramref name="Configured"/>.</summary>
    internal sealed record Resized(int Workers, int Configured) : Part;

    /// <summary>Process groups of exited workers that are still alive.</summary>
    internal sealed record Leftovers(ImmutableArray<int> Pgids) : Part
    {
        public bool Equals(Leftovers? other) => other is not null && Pgids.SequenceEqual(other.Pgids);

        public override int GetHashCode() => Pgids.Length;
    }

    internal sealed record StatusFileNotWritten(string Reason) : Part;

    internal sealed record LastFailure(Failure Failure) : Part;

    /// <summary>StarterHost upgrades itself in place: to <paramref name="Version"/> once the new file's check said it, checking it before.</summary>
    internal sealed record Upgrading(string? Version) : Part;
}
