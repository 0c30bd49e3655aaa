namespace StarterHost.Generations;

/// <summary>
/// What went wrong and what follows from it: the failures in a row (what the backoff grows with), how the last
/// went wrong and how often the same way, when the next attempt comes, the jitter's state, the last failure an
/// operator should hear about, and the failed restart a waiting <c>--restart</c> or <c>--reload</c> reads.
/// </summary>
internal sealed record FailureHistory
{
    /// <summary>
    /// Failed starts, and deaths of a generation that had not served a second yet, since a generation last
    /// did (or since the last abandoned restart): what the backoff grows with.
    /// </summary>
    public int Consecutive { get; init; }

    /// <summary>How the last failed start went wrong: a repeat of it is not logged in full again.</summary>
    public FailureKind? LastKind { get; init; }

    /// <summary>How many failed starts in a row went wrong the same way.</summary>
    public int Repeats { get; init; }

    /// <summary>When a failed start is retried, how long after the failure (for STATUS=).</summary>
    public TimeSpan? NextAttemptIn { get; init; }

    /// <summary>State of the pseudo-random jitter (backoff, lifetimes): the machine stays a pure function of its events.</summary>
    public uint JitterSeed { get; init; } = 1;

    /// <summary>The last start, crash or refused check an operator should hear about.</summary>
    public Failure? Last { get; init; }

    /// <summary>The failed start of a requested restart that a waiting --restart or --reload reports.</summary>
    public RestartFailure? RestartFailure { get; init; }

    /// <summary>
    /// At first start: a worker whose exec failed in a way no retry can fix, and why. Its exit, which follows,
    /// gives the start up.
    /// </summary>
    public DoomedExec? PermanentExec { get; init; }

    /// <summary>How many failures in a row, one of <paramref name="kind"/> included, went wrong that way.</summary>
    public int RepeatsOf(FailureKind kind) => kind.Equals(LastKind) ? Repeats + 1 : 1;

    /// <summary>One more failure in a row, and what it was.</summary>
    public FailureHistory Counted(FailureKind kind, Failure failure) =>
        this with { Consecutive = Consecutive + 1, Repeats = RepeatsOf(kind), LastKind = kind, Last = failure };

    /// <summary>A generation (or a slot's replacement) has served a second: the failures in a row are forgotten.</summary>
    public FailureHistory Forgotten() => this with { Consecutive = 0, Repeats = 0, LastKind = null };
}

/// <summary>Worker <paramref name="Pid"/>'s exec failed for good (<paramref name="Reason"/>); its exit gives the first start up.</summary>
internal sealed record DoomedExec(int Pid, string Reason);
