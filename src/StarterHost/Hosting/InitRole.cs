using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using StarterHost.Interop;
using StarterHost.Signals;

namespace StarterHost.Hosting;

/// <summary>
/// StarterHost as PID 1 of a pid namespace (a container run without --init, unshare --pid --fork). There the
/// .NET runtime reaps every child itself (System.Native's SIGCHLD handling, when getpid() is 1) and drops
/// the statuses, so the supervisor's own waitpid would never see a worker exit. So PID 1 builds no host:
/// it runs StarterHost again, same executable, arguments and environment, as its one child, forwards the
/// signals an operator sends, leaves orphans to the runtime to reap, and exits with the child's status.
/// The child supervises as anywhere else. It is started through System.Diagnostics.Process, whose SIGCHLD
/// handling keeps the status of each process it started while it reaps everything else.
/// </summary>
internal static class InitRole
{
    /// <summary>Set for the child alone, which clears it at once: no worker sees it.</summary>
    public const string ChildVariable = "STARTERHOST_INIT_CHILD";

    /// <summary>
    /// What an operator sends: HUP, INT, TERM and USR1 StarterHost acts on; QUIT, USR2, TTIN, TTOU and WINCH
    /// do to the child what they would do to StarterHost anywhere else. Not CHLD (PID 1's own), not TSTP or
    /// CONT (a terminal's job control), not the faults a process raises on itself.
    /// </summary>
    public static readonly IReadOnlyList<int> ForwardedSignals =
    [
        SignalNames.Hup, SignalNames.Int, SignalNames.Quit, SignalNames.Usr1, SignalNames.Usr2,
        SignalNames.Term, SignalNames.Ttin, SignalNames.Ttou, SignalNames.Winch,
    ];

    public static bool IsNeeded => Posix.CurrentPid == 1;

    /// <summary>True in the child of PID 1 (see <see cref="TakeChildRole"/>).</summary>
    public static bool IsChild { get; private set; }

    /// <summary>PID 1: runs the child until it exits and returns its exit status (128 + n for a signal, as shells say).</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var forwarder = new Forwarder();
        // As SignalRouter does: an inherited SIG_IGN (nohup) would keep HUP and TERM from ever arriving.
        Posix.ResetSignal(SignalNames.Hup);
        Posix.ResetSignal(SignalNames.Term);
        // Before the child exists: a signal to PID 1 with no handler is dropped by the kernel, this one is held.
        var registrations = ForwardedSignals.Select(signal => PosixSignalRegistration.Create((PosixSignal)signal, context =>
        {
            context.Cancel = true;
            forwarder.Forward(signal);
        })).ToList();
        Process child;
        try
        {
            child = StartChild([.. SelfCommand.Get(), .. args]);
        }
        catch (Exception e) when (e is Win32Exception or StartupException)
        {
            Console.Error.WriteLine($"starterhost: as PID 1, failed to start StarterHost again as its child: {e.Message}");
            return 1;
        }
        forwarder.Attach(child);
        child.WaitForExit();
        registrations.ForEach(r => r.Dispose());
        return child.ExitCode;
    }

    /// <summary>Starts <paramref name="command"/> as PID 1's child: marked, and with the forwarded signals blocked.</summary>
    internal static Process StartChild(IReadOnlyList<string> command)
    {
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string arg in command.Skip(1))
            info.ArgumentList.Add(arg);
        info.Environment[ChildVariable] = "1";
        // The child starts with this thread's mask (System.Native's fork path restores it before exec), so a
        // signal forwarded before its handlers are in place waits for them (ReleaseSignals) instead of
        // meeting the default action, which for HUP would end it.
        var child = new Process { StartInfo = info };
        Posix.BlockSignals(ForwardedSignals);
        try
        {
            child.Start();
            return child;
        }
        finally
        {
            Posix.UnblockSignals(ForwardedSignals);
        }
    }

    /// <summary>
    /// First thing in any StarterHost: in PID 1's child, clears the marker and leaves PID 1's process group, so
    /// that a terminal's Ctrl-C (INT to its foreground group) reaches PID 1 alone and is forwarded once.
    /// </summary>
    public static void TakeChildRole()
    {
        if (System.Environment.GetEnvironmentVariable(ChildVariable) is null)
            return;
        System.Environment.SetEnvironmentVariable(ChildVariable, null);
        IsChild = true;
        Posix.LeadNewProcessGroup();
    }

    /// <summary>In PID 1's child, once its handlers are in place: the forwarded signals, and any held pending, arrive.</summary>
    public static void ReleaseSignals()
    {
        // Those the loop reads from its signalfd stay blocked for good (Signals/BlockedSignals).
        if (IsChild)
            Posix.UnblockSignals([.. ForwardedSignals.Except(Signals.BlockedSignals.Set)]);
    }

    /// <summary>Holds signals until the child exists; forwards none once it has been reaped.</summary>
    private sealed class Forwarder
    {
        private readonly Lock _gate = new();
        private readonly List<int> _held = [];
        private Process? _child;

        public void Forward(int signal)
        {
            lock (_gate)
            {
                if (_child is null)
                    _held.Add(signal);
                else
                    Send(_child, signal);
            }
        }

        public void Attach(Process child)
        {
            lock (_gate)
            {
                _child = child;
                _held.ForEach(signal => Send(child, signal));
                _held.Clear();
            }
        }

        // Process marks the child exited as soon as the runtime has reaped it: until then the pid is the
        // child's, alive or a zombie, or (for that instant) nobody's, since the kernel hands out every other
        // pid of the range before it reuses one. A pidfd would close that instant, but can only be opened
        // after Process.Start, when the child may already be gone.
        private static void Send(Process child, int signal)
        {
            if (!child.HasExited)
                Posix.SendSignal(child.Id, signal);
        }
    }
}
