using StarterHost.Generations;

namespace StarterHost.Signals;

/// <summary>
/// Signals the runtime's handler threads received and the event loop has not handled yet: counted per signal, as the
/// kernel keeps them pending (but none lost to coalescing), and turned into events on the loop thread. This, and the
/// eventfd that <paramref name="wake"/> bumps, is all another thread shares with the loop.
/// </summary>
internal sealed class PendingSignals(Action wake)
{
    private readonly int[] _counts = new int[SignalNames.Ttou + 1];

    /// <summary>Any thread: <paramref name="signal"/> arrived (HUP, INT, USR1, USR2, TERM, CHLD, TTIN or TTOU).</summary>
    public void Raise(int signal)
    {
        Interlocked.Increment(ref _counts[signal]);
        wake();
    }

    /// <summary>Loop thread: <paramref name="signal"/> was read from the signalfd; the loop is awake already.</summary>
    public void Note(int signal) => Interlocked.Increment(ref _counts[signal]);

    /// <summary>Loop thread, before an exec: every signal counted and not yet taken, one entry each, for the new image.</summary>
    public List<int> TakeAll()
    {
        var signals = new List<int>();
        for (int signal = 1; signal < _counts.Length; signal++)
            signals.AddRange(Enumerable.Repeat(signal, Interlocked.Exchange(ref _counts[signal], 0)));
        return signals;
    }

    /// <summary>
    /// Loop thread: the events of the signals raised since the last call (a stop first, as
    /// <see cref="GenerationMachine.InOrder"/> would put it), and whether SIGCHLD came: children to reap.
    /// </summary>
    public List<StarterEvent> Take(out bool childrenExited)
    {
        var events = new List<StarterEvent>();
        Add(events, SignalNames.Term, () => new TerminateReceived(SignalNames.Term));
        Add(events, SignalNames.Int, () => new TerminateReceived(SignalNames.Int));
        Add(events, SignalNames.Hup, () => new HangupReceived());
        Add(events, SignalNames.Usr1, () => new LogReopenRequested());
        Add(events, SignalNames.Ttin, () => new ResizeRequested(SignalNames.Ttin));
        Add(events, SignalNames.Ttou, () => new ResizeRequested(SignalNames.Ttou));
        Add(events, SignalNames.Usr2, () => new UpgradeRequested());
        childrenExited = Interlocked.Exchange(ref _counts[SignalNames.Chld], 0) > 0;
        return events;
    }

    private void Add(List<StarterEvent> events, int signal, Func<StarterEvent> evt)
    {
        for (int n = Interlocked.Exchange(ref _counts[signal], 0); n > 0; n--)
            events.Add(evt());
    }
}
