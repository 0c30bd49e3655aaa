using StarterHost.Generations;
using StarterHost.Signals;
using static StarterHost.Tests.Generations.MachineDriver;

namespace StarterHost.Tests.Generations;

/// <summary>--drain-timeout as a deadline, process groups, and leftovers: nothing waits for ever, nothing stays behind.</summary>
public sealed class DeadlineTests
{
    private static readonly RuntimeSettings Deadline = Defaults with { DrainTimeout = TimeSpan.FromSeconds(10) };

    private static DrainDeadlineDue DeadlineFor(MachineDriver d) => Assert.Single(d.Timers<DrainDeadlineDue>());

    [Fact]
    public void AnOldWorkerStillAliveAtTheDeadlineGetsSigkillSentToItsWholeGroup()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200);
        var deadline = DeadlineFor(d);
        Assert.Equal([100], deadline.Pids.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(10), d.Last.OfType<StartTimer>().Single(t => t.Event is DrainDeadlineDue).Delay);

        d.On(deadline);
        Assert.Contains(new KilledAtDeadline(100, 1, TimeSpan.FromSeconds(10)), d.Said);
        Assert.Equal([([100], SignalNames.Kill, true)], d.Signals);
        Assert.Equal(Retirement.Killed, Assert.Single(d.State.Roster.Old).Retirement);
    }

    [Fact]
    public void AWorkerThatLeftBeforeItsDeadlineIsNotKilled()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200);
        var deadline = DeadlineFor(d);
        d.On(new WorkerExited(100, ExitedZero)).On(deadline);
        Assert.False(d.Has<SignalWorkers>());
    }

    [Fact]
    public void ADrainTimeoutOfZeroWaitsForEverAsStartServerDoes()
    {
        var d = Running(Defaults with { DrainTimeout = TimeSpan.Zero }).On(new HangupReceived()).Serve(2, 200);
        Assert.Empty(d.Timers<DrainDeadlineDue>());
        d.On(new TerminateReceived(SignalNames.Term));
        Assert.Empty(d.Timers<StopDeadlineDue>());
    }

    [Fact]
    public void AtStopEveryWorkerStillAliveAtTheDeadlineIsKilledAndTheSupervisorExitsOnceTheyAreGone()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200).On(new TerminateReceived(SignalNames.Term));
        Assert.Equal(new StartTimer(new StopDeadlineDue(), TimeSpan.FromSeconds(10)), d.Last.OfType<StartTimer>().Single(t => t.Event is StopDeadlineDue));
        d.On(new WorkerExited(200, ExitedZero)).On(new StopDeadlineDue());
        Assert.Equal([([100], SignalNames.Kill, true)], d.Signals);
        Assert.False(d.Has<Exit>());
        d.On(new WorkerExited(100, Killed));
        Assert.Equal(new Exit(0), d.Single<Exit>());
    }

    [Fact]
    public void SignalGroupSendsRetirementAndStopSignalsToTheWholeGroup()
    {
        var d = Running(Deadline with { SignalGroup = true }).On(new HangupReceived()).Serve(2, 200);
        Assert.Equal([([100], SignalNames.Term, true)], d.Signals);
        d.On(new TerminateReceived(SignalNames.Term));
        Assert.Equal([([100, 200], SignalNames.Term, true)], d.Signals);
    }

    [Fact]
    public void WithoutSignalGroupOnlyTheWorkerItselfIsSignalled()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200);
        Assert.Equal([([100], SignalNames.Term, false)], d.Signals);
    }

    [Fact]
    public void WhatAnOldWorkerLeavesInItsGroupGetsItsSignalAndTheSameDeadline()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200);
        var deadline = DeadlineFor(d);
        d.On(new WorkerExited(100, ExitedZero, GroupRemains: true));
        Assert.Contains(new LeftoverSignalled(100, 1, SignalNames.Term), d.Said);
        Assert.Equal([([100], SignalNames.Term, true)], d.Signals);
        // The old worker's deadline is still running; it covers what it left behind.
        Assert.Empty(d.Timers<DrainDeadlineDue>());
        d.On(deadline);
        Assert.Equal([([100], SignalNames.Kill, true)], d.Signals);
    }

    [Fact]
    public void ALeftoverOfAGroupSignalledWithTheWorkerIsNotSignalledTwice()
    {
        var d = Running(Deadline with { SignalGroup = true }).On(new HangupReceived()).Serve(2, 200);
        d.On(new WorkerExited(100, ExitedZero, GroupRemains: true));
        Assert.False(d.Has<SignalWorkers>());
        Assert.Single(d.State.Roster.Leftovers);
    }

    [Fact]
    public void ACrashedWorkersLeftoverIsRetiredGracefullyWithADeadlineOfItsOwn()
    {
        var d = Running(Deadline with { SignalOnHup = SignalNames.Usr1 }).On(new WorkerExited(100, Killed, GroupRemains: true));
        Assert.Equal([([100], SignalNames.Usr1, true)], d.Signals);
        Assert.Equal([100], DeadlineFor(d).Pids.ToArray());
        Assert.Equal(new SpawnWorker(2), d.Single<SpawnWorker>());
    }

    [Fact]
    public void TheSupervisorWaitsForLeftoverGroupsBeforeExiting()
    {
        var d = Running(Deadline).On(new TerminateReceived(SignalNames.Term)).On(new WorkerExited(100, ExitedZero, GroupRemains: true));
        Assert.False(d.Has<Exit>());
        Assert.Equal([([100], SignalNames.Term, true)], d.Signals);
        // An orphan of that group was reaped: is anything left?
        d.On(new WorkerExited(4242, ExitedZero));
        Assert.Equal([100], d.Single<ProbeGroups>().Pgids.ToArray());
        d.On(new GroupGone(100));
        Assert.Equal(new Exit(0), d.Single<Exit>());
    }

    [Fact]
    public void AtTheStopDeadlineLeftoverGroupsAreKilledToo()
    {
        var d = Running(Deadline).On(new TerminateReceived(SignalNames.Term))
            .On(new WorkerExited(100, ExitedZero, GroupRemains: true)).On(new StopDeadlineDue());
        // Worker 100 itself is gone: what is killed is named as what it left in its group.
        Assert.Equal([new KilledAtDeadline(100, 1, TimeSpan.FromSeconds(10), LeaderGone: true)], d.Said);
        Assert.Equal([([100], SignalNames.Kill, true)], d.Signals);
    }

    [Fact]
    public void AnOldWorkersLeftoverAliveAtItsDeadlineIsNamedAsTheGroupOfAWorkerThatExited()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200);
        var deadline = DeadlineFor(d);
        d.On(new WorkerExited(100, ExitedZero, GroupRemains: true)).On(deadline);
        Assert.Equal([new KilledAtDeadline(100, 1, TimeSpan.FromSeconds(10), LeaderGone: true)], d.Said);
    }

    [Fact]
    public void AWorkerKilledAtItsDeadlineLeavesItsDyingGroupUnsignalledAndWaitedFor()
    {
        var d = Running(Deadline).On(new HangupReceived()).Serve(2, 200);
        d.On(DeadlineFor(d)).On(new WorkerExited(100, Killed, GroupRemains: true));
        // Its group was sent KILL with it: no "leaving processes in its group; sending TERM", no TERM, no new deadline.
        Assert.Equal([new OldWorkerDied(100, Killed)], d.Said);
        Assert.False(d.Has<SignalWorkers>());
        Assert.Empty(d.Timers<DrainDeadlineDue>());
        Assert.Equal([new LeftoverGroup(100, 1, Killed: true)], d.State.Roster.Leftovers);
    }

    [Fact]
    public void AWorkerKilledAtTheStopDeadlineLeavesItsDyingGroupUnsignalledAndTheSupervisorWaitsForIt()
    {
        var d = Running(Deadline).On(new TerminateReceived(SignalNames.Term)).On(new StopDeadlineDue());
        Assert.Equal([new KilledAtDeadline(100, 1, TimeSpan.FromSeconds(10))], d.Said);
        d.On(new WorkerExited(100, Killed, GroupRemains: true));
        Assert.Equal([new WorkerDied(100, Killed)], d.Said);
        Assert.False(d.Has<SignalWorkers>());
        Assert.False(d.Has<Exit>());
        d.On(new GroupGone(100));
        Assert.Equal(new Exit(0), d.Single<Exit>());
    }

    [Fact]
    public void WhileStoppingTheExtensionAskedOfTheServiceManagerNeverPassesTheDrainTimeout()
    {
        var d = Running(Deadline).On(new TerminateReceived(SignalNames.Term));
        Assert.Equal(new ExtendStopTimeout(TimeSpan.FromSeconds(10)), d.Single<ExtendStopTimeout>());
    }
}
