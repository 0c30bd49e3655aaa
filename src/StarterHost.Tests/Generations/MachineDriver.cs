using System.Collections.Immutable;
using StarterHost.Generations;
using StarterHost.Signals;
using StarterHost.Status;
using StarterHost.Systemd;
using StarterHost.Workers;

namespace StarterHost.Tests.Generations;

/// <summary>
/// Feeds events to the pure machine one at a time, answering the commands that the supervisor answers
/// at once (a status write succeeds unless <see cref="StatusFails"/> says otherwise), and keeps every
/// command of the last event and its answers.
/// </summary>
internal sealed class MachineDriver(RuntimeSettings settings, GenerationState? state = null)
{
    public static readonly RuntimeSettings Defaults = new(
        Interval: TimeSpan.FromSeconds(1), SignalOnHup: SignalNames.Term, SignalOnTerm: SignalNames.Term,
        KillOldDelay: TimeSpan.Zero, AutoRestart: false, AutoRestartInterval: TimeSpan.FromSeconds(360));

    /// <summary>Three workers per generation, with a drain deadline and a backoff: what the pool tests start from.</summary>
    public static readonly RuntimeSettings Pool = Defaults with { Workers = 3, DrainTimeout = TimeSpan.FromSeconds(10), BackoffMax = TimeSpan.FromSeconds(30) };

    public static readonly WaitStatus ExitedZero = new(0);
    public static readonly WaitStatus ExitedThree = new(3 << 8);
    public static readonly WaitStatus Killed = new(SignalNames.Kill);

    public GenerationState State { get; private set; } = state ?? GenerationState.Initial(settings);
    public ImmutableArray<StarterCommand> Last { get; private set; } = [];
    public RuntimeSettings Settings { get; } = settings;

    /// <summary>When set, status writes fail with this reason.</summary>
    public string? StatusFails { get; set; }

    public MachineDriver On(StarterEvent evt)
    {
        var all = ImmutableArray.CreateBuilder<StarterCommand>();
        var queue = new Queue<StarterEvent>([evt]);
        while (queue.TryDequeue(out var next))
        {
            (State, var commands) = GenerationMachine.Apply(State, next);
            all.AddRange(commands);
            foreach (var write in commands.OfType<WriteStatus>())
                queue.Enqueue(StatusFails is { } reason ? new StatusWriteFailed(reason) : new StatusWritten(write.Document));
        }
        Last = all.ToImmutable();
        return this;
    }

    public T Single<T>() where T : StarterCommand => Assert.Single(Last.OfType<T>());
    public bool Has<T>() where T : StarterCommand => Last.OfType<T>().Any();
    public IEnumerable<Notice> Said => Last.OfType<Say>().Select(s => s.Notice);
    public IEnumerable<T> Timers<T>() where T : StarterEvent => Last.OfType<StartTimer>().Select(t => t.Event).OfType<T>();

    /// <summary>Spawns and accepts a generation with the given pid.</summary>
    public MachineDriver Serve(int generation, int pid) => On(new WorkerSpawned(generation, pid)).Ready(generation, pid);

    /// <summary>Spawns every member of <paramref name="generation"/> (slot i gets pids[i]), then starts each in slot order.</summary>
    public MachineDriver ServePool(int generation, params int[] pids)
    {
        Spawn(generation, pids);
        foreach (int pid in pids)
            Ready(generation, pid);
        return this;
    }

    /// <summary>The spawns of <paramref name="generation"/> come back: slot i gets pids[i].</summary>
    public MachineDriver Spawn(int generation, params int[] pids)
    {
        for (int slot = 0; slot < pids.Length; slot++)
            On(new WorkerSpawned(generation, pids[slot], Slot: slot));
        return this;
    }

    /// <summary>The worker has started: its interval elapsed, or it said READY=1.</summary>
    public MachineDriver Ready(int generation, int pid) =>
        On(Settings.Readiness == ReadinessMode.Notify ? new WorkerNotified(pid, Ready: true, Status: null) : new StartupIntervalElapsed(generation, pid));

    /// <summary>
    /// Workers that have started and have not been signalled: serving the current generation, starting
    /// ones that have started, old ones still serving (or waiting out the kill-old-delay).
    /// </summary>
    public int Capacity =>
        State.Roster.CurrentWorkers.Length
        + (State.Roster.Pending is { Failed: false } p ? p.Members.Count(m => m.Phase == MemberPhase.Ready) : 0)
        + State.Roster.Old.Count(o => o.Served && o.Retirement is Retirement.Waiting or Retirement.Scheduled);

    /// <summary>Every spawn the last event asked for, as (generation, slot).</summary>
    public (int Generation, int Slot)[] Spawns => [.. Last.OfType<SpawnWorker>().Select(s => (s.Generation, s.Slot))];

    /// <summary>Started, with generation 1 (pid 100) accepted.</summary>
    public static MachineDriver Running(RuntimeSettings? settings = null)
    {
        var d = new MachineDriver(settings ?? Defaults).On(new Started());
        Assert.Equal(new SpawnWorker(1), d.Single<SpawnWorker>());
        return d.Serve(1, 100);
    }

    /// <summary>The signals sent by the last event, as (pids, signal, group) tuples: records holding an ImmutableArray compare by reference.</summary>
    public (int[] Pids, int Signal, bool Group)[] Signals =>
        [.. Last.OfType<SignalWorkers>().Select(s => (s.Pids.ToArray(), s.Signal, s.Group))];

    public static string StatusText(WriteStatus write) => string.Concat(write.Document.Workers.Select(w => $"{w.Generation}:{w.Pid}\n"));

    /// <summary>The words an operator reads for a failure (Status/FailureDescription).</summary>
    public static string Text(Failure failure) => FailureDescription.Of(failure);

    /// <summary>The line the status file's .failure companion holds for <paramref name="failure"/>, or null.</summary>
    public static string? FailureLine(RestartFailure? failure) => failure is null ? null : FailureDescription.Of(failure);

    /// <summary>Why the requested restart failed, as a waiting --restart reads it; null when none has.</summary>
    public string? RestartFailure => State.Failures.RestartFailure is { } failure ? FailureDescription.Of(failure.Reason) : null;

    /// <summary>The .failure file's line: the generation, and why.</summary>
    public string? RestartFailureLine => FailureLine(State.Failures.RestartFailure);

    /// <summary>What STATUS= says now.</summary>
    public string? StatusLine => State.Publication.ReportedStatus is { } status ? ServiceStatusText.Describe(status) : null;

    /// <summary>The words of a STATUS= the machine gave.</summary>
    public static string Text(ReportStatus report) => ServiceStatusText.Describe(report.Status);

    /// <summary>The last failure an operator should hear about, in words.</summary>
    public string? LastFailure => State.Failures.Last is { } failure ? FailureDescription.Of(failure) : null;

    /// <summary>What the last event told whoever waits for the first start (a --daemonize launcher).</summary>
    public IEnumerable<string> StartFailuresReported => Last.OfType<ReportStartFailure>().Select(r => FailureDescription.Of(r.Failure));
}
