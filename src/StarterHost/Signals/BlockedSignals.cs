using StarterHost.Interop;
using StarterHost.Upgrade;

namespace StarterHost.Signals;

/// <summary>
/// The signals the supervisor acts on (HUP, INT, TERM, USR1, USR2, CHLD, TTIN, TTOU), blocked on every thread for the life of the
/// process and read by the event loop from a signalfd. Nothing consumes one but that read, so one that arrives while
/// StarterHost execs itself (an upgrade in place) stays pending in the kernel, through the exec, for the new image;
/// with handlers, one taken by a thread just before the exec would be lost (docs/upgrade-in-place.md, 2.2).
/// </summary>
/// <remarks>
/// NativeAOT starts one thread before Main (the finalizer), blocked here too, so every thread blocks the set. The dll
/// form (CoreCLR) starts a few more that run no managed code and cannot be reached: there a signal may still go to one
/// of them, where <see cref="SignalRouter"/>'s handler takes it, as before. That leaves a short window before the first
/// upgrade of a process started as <c>dotnet StarterHost.dll</c>; an image started by an upgrade inherits the blocked
/// mask on every thread and has none.
/// </remarks>
internal static class BlockedSignals
{
    public static readonly IReadOnlyList<int> Set =
    [
        SignalNames.Hup, SignalNames.Int, SignalNames.Term, SignalNames.Usr1, SignalNames.Usr2, SignalNames.Chld,
        SignalNames.Ttin, SignalNames.Ttou,
    ];

    /// <summary>
    /// Whether SIGINT was ignored when this process started: a background job's ignored Ctrl-C stays ignored, and a
    /// blocked signal is queued even when ignored, so INT is then left out of the signalfd.
    /// </summary>
    public static bool IntIgnoredAtStart { get; private set; }

    /// <summary>First in Main, before anything starts a thread: the main thread, then the finalizer thread.</summary>
    public static void BlockForLife()
    {
        IntIgnoredAtStart = Posix.IsIgnored(SignalNames.Int);
        Posix.BlockSignals(Set);
        ThreadSignalMasks.BlockOnFinalizerThread(Set);
    }

    /// <summary>The signals the loop reads from its signalfd.</summary>
    public static IReadOnlyList<int> Read(bool logFile) =>
        [.. Set.Where(signal => !(signal == SignalNames.Int && IntIgnoredAtStart) && !(signal == SignalNames.Usr1 && !logFile))];

    /// <summary>
    /// On the main thread, once the options are known: without <c>--log-file</c> SIGUSR1 is not ours, and terminates
    /// as it does start_server (Server::Starter installs no handler for it).
    /// </summary>
    public static void ReleaseUnhandled(bool logFile)
    {
        if (!logFile)
            Posix.UnblockSignals([SignalNames.Usr1]);
    }

    /// <summary>A client (--restart, --status, --upgrade…) handles none of them: Ctrl-C and the rest act as usual.</summary>
    public static void ReleaseAll() => Posix.UnblockSignals(Set);
}
