using Microsoft.Extensions.Time.Testing;
using StarterHost.Generations;
using StarterHost.Status;
using StarterHost.Supervision;

namespace StarterHost.Tests.Supervision;

/// <summary>
/// A supervisor on the fake seams and a fake clock, driven as the event loop drives it: something happens (a signal,
/// a worker's exec or datagram, an exit, time passing), then <see cref="Supervisor.RunPending"/>.
/// </summary>
internal sealed class SupervisorHarness
{
    private int _bumps;

    public SupervisorHarness(RuntimeSettings settings, ICheckRunner? checks = null, StatusFileWriter? status = null,
        StatusJsonWriter? json = null, bool throughExecHelper = true, IUpgrader? upgrader = null)
    {
        Service = new FakeServiceOs(settings, status, json);
        Timers = new LoopTimers(Clock);
        Supervisor = new Supervisor(Os, Service, Timers, Log, settings, () => Interlocked.Increment(ref _bumps), checks, json?.Host, upgrader: upgrader);
        Os.ThroughExecHelper = throughExecHelper;
        Os.Deliver = Supervisor.Deliver;
        Os.OnChildExit = () => Supervisor.Signals.Raise(Signals.SignalNames.Chld);
    }

    public FakeTimeProvider Clock { get; } = new();
    public FakeWorkerOs Os { get; } = new();
    public FakeServiceOs Service { get; }
    public RecordingLogger Log { get; } = new();
    public LoopTimers Timers { get; }
    public Supervisor Supervisor { get; }

    /// <summary>How many times the loop's eventfd was bumped: only signals (here, SIGCHLD for a fake exit too) do.</summary>
    public int Bumps => _bumps;

    /// <summary>StarterHost has started: the loop's first event.</summary>
    public SupervisorHarness Start(uint seed = 1)
    {
        Supervisor.Deliver(new Started(seed));
        return Run();
    }

    /// <summary>A signal arrives (on another thread, as the runtime delivers it), and the loop wakes.</summary>
    public SupervisorHarness Signal(int signal)
    {
        Supervisor.Signals.Raise(signal);
        return Run();
    }

    /// <summary>The exec helpers spawned so far exec their workers.</summary>
    public SupervisorHarness Exec()
    {
        Os.ExecAll();
        return Run();
    }

    public SupervisorHarness Advance(TimeSpan by)
    {
        Clock.Advance(by);
        return Run();
    }

    public SupervisorHarness Run()
    {
        Supervisor.RunPending();
        return this;
    }
}
