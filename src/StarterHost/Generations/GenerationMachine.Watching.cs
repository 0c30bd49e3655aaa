using System.Collections.Immutable;

namespace StarterHost.Generations;

/// <summary>
/// The per-worker watchdog (<c>--worker-watchdog</c>), as systemd's <c>WatchdogSec=</c> for a service: a worker that
/// has started sends WATCHDOG=1 at least once a period, each ping re-arming its <see cref="WorkerSilent"/> timer. One
/// that goes silent, or says WATCHDOG=trigger, is hung: it counts as a failed member, gets its replacement first,
/// then the watchdog signal, and its group SIGKILL at the drain deadline. A hung worker serves nothing, so unlike
/// recycling nothing waits for the replacement to start before it goes.
/// </summary>
internal static partial class GenerationMachine
{
    /// <summary>A worker has started: its watchdog is armed (the start itself is --interval's or --start-timeout's).</summary>
    private static void Watch(RuntimeSettings settings, int pid, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (settings.WorkerWatchdog > TimeSpan.Zero)
            commands.Add(new StartTimer(new WorkerSilent(pid), settings.WorkerWatchdog));
    }

    /// <summary>WATCHDOG=1 re-arms the watchdog of a watched worker; WATCHDOG=trigger is a hang at once. From anyone else, nothing.</summary>
    private static GenerationState OnWatchdogMessage(GenerationState state, WorkerNotified notified, ImmutableArray<StarterCommand>.Builder commands)
    {
        if (state.Settings.WorkerWatchdog <= TimeSpan.Zero || state.Stopping || !Watched(state.Roster, notified.Pid))
            return state;
        if (notified.Watchdog == WatchdogMessage.Trigger)
            return Hang(state, notified.Pid, silent: null, commands);
        Watch(state.Settings, notified.Pid, commands);
        return state;
    }

    private static GenerationState OnWorkerSilent(GenerationState state, WorkerSilent silent, ImmutableArray<StarterCommand>.Builder commands) =>
        state.Settings.WorkerWatchdog > TimeSpan.Zero && !state.Stopping && Watched(state.Roster, silent.Pid)
            ? Hang(state, silent.Pid, state.Settings.WorkerWatchdog, commands)
            : state;

    /// <summary>
    /// Workers whose silence means a hang: those serving, members of a starting generation that have started, old
    /// workers that still serve while their successors start. Not one still starting, nor one on its way out.
    /// </summary>
    private static bool Watched(Roster roster, int pid) =>
        roster.ServingMember(pid) is not null
        || roster.PendingMember(pid) is { Phase: MemberPhase.Ready }
        || roster.OldStillServing.Any(o => o.Worker.Pid == pid);

    private static GenerationState Hang(GenerationState state, int pid, TimeSpan? silent, ImmutableArray<StarterCommand>.Builder commands)
    {
        var roster = state.Roster;
        if (roster.ServingMember(pid) is { } serving)
            return ServingHung(state, serving, silent, commands);
        if (roster.PendingMember(pid) is { } member)
            return StartedMemberHung(state, member, silent, commands);
        var old = roster.OldStillServing.First(o => o.Worker.Pid == pid).Worker;
        // Its successor is on its way already: the hang is counted and the worker sent away, nothing is replaced.
        commands.Add(new Say(new WorkerHung(old, SlotLabel(state, old.Slot), silent, state.Settings.WatchdogSignal)));
        var next = state with { Counters = state.Counters with { Failures = state.Counters.Failures + 1 } };
        return MarkedHung(SignalRetiring(next, [pid], state.Settings.WatchdogSignal, commands), pid);
    }

    /// <summary>
    /// A serving worker hung: its slot is replaced as after a crash (the next generation with one worker, as
    /// start_server replaces a dead one; in a pool the slot, the others untouched), backoff included when it
    /// repeats; only then is it sent the watchdog signal, with the drain deadline after it.
    /// </summary>
    private static GenerationState ServingHung(GenerationState state, Member serving, TimeSpan? silent, ImmutableArray<StarterCommand>.Builder commands)
    {
        var worker = serving.Worker;
        int? slot = SlotLabel(state, worker.Slot);
        var failure = new WorkerFailed(worker.Generation, new Hung(silent), worker.Pid, slot);
        commands.Add(new Say(new WorkerHung(worker, slot, silent, state.Settings.WatchdogSignal)));
        var replacing = state.Roster.Current!.Slots[worker.Slot].Replacement;
        var next = Counted(Without(state, worker.Pid), failure.Kind, failure);
        next = next with { Roster = next.Roster with { Old = next.Roster.Old.Add(new OldWorker(worker, Retirement.Waiting, Hung: true)) } };
        // Recycling had a replacement on its way already: it takes the slot once it has started.
        if (replacing is null)
        {
            next = state.WorkerCount == 1
                ? RespawnNext(next, worker.Generation, commands)
                : QueueReplacement(next, worker.Generation, worker.Slot, TimeSpan.Zero, commands);
        }
        return SignalRetiring(next, [worker.Pid], state.Settings.WatchdogSignal, commands);
    }

    /// <summary>A member of the starting generation hung after it started: the generation failed, as by a member that timed out.</summary>
    private static GenerationState StartedMemberHung(GenerationState state, Member member, TimeSpan? silent, ImmutableArray<StarterCommand>.Builder commands)
    {
        int? slot = SlotLabel(state, member.Slot);
        commands.Add(new Say(new WorkerHung(member.Worker, slot, silent, state.Settings.WatchdogSignal)));
        var next = MarkedHung(StopNewWorker(state, member.Worker, state.Settings.WatchdogSignal, commands), member.Pid);
        next = Failed(StopStartedMembers(next, except: member.Pid, commands), new AttemptFailed(member.Generation, new Hung(silent), member.Pid, slot), commands);
        return next.Roster.Pending is null ? next : ScheduleRetry(next, TimeSpan.Zero, commands);
    }

    /// <summary>The old worker <paramref name="pid"/> goes for the watchdog: its exit is counted as the watchdog's.</summary>
    private static GenerationState MarkedHung(GenerationState state, int pid) => state with
    {
        Roster = state.Roster with { Old = [.. state.Roster.Old.Select(o => o.Worker.Pid == pid ? o with { Hung = true } : o)] },
    };
}
