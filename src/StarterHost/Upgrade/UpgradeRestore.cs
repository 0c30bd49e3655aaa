using System.Globalization;
using StarterHost.Interop;

namespace StarterHost.Upgrade;

/// <summary>
/// The new image's side of an upgrade in place: the handoff it was given, taken first in Main (before
/// <c>--daemonize</c>, which must not detach again), and what to do if it cannot take over: exec the old image again
/// through the fd the old one kept (execveat, AT_EMPTY_PATH) with the same state, so that it carries on and says why.
/// Until <see cref="Succeeded"/> the state's memfd and the image fd stay open for that.
/// </summary>
internal sealed class UpgradeRestore
{
    private readonly int _stateFd;
    private int _imageFd;

    private UpgradeRestore(UpgradeHandoff handoff, int stateFd, int imageFd, string? rolledBackBecause)
    {
        Handoff = handoff;
        _stateFd = stateFd;
        _imageFd = imageFd;
        RolledBackBecause = rolledBackBecause;
    }

    /// <summary>The image an upgrade started, until it has taken over; null on an ordinary start.</summary>
    public static UpgradeRestore? Current { get; private set; }

    public UpgradeHandoff Handoff { get; }

    /// <summary>Set when this is the old image executed again: why the new one could not take over.</summary>
    public string? RolledBackBecause { get; }

    public bool Pending => Current == this;

    /// <summary>
    /// First in Main. Null on an ordinary start. A handoff that cannot be read (another schema, malformed) rolls back
    /// at once, and only returns when there is nothing to roll back to: then it throws.
    /// </summary>
    public static UpgradeRestore? Take()
    {
        if (System.Environment.GetEnvironmentVariable(StateHandoff.Variable) is not { } stateText)
            return null;
        int stateFd = Descriptor(StateHandoff.Variable, stateText);
        int imageFd = System.Environment.GetEnvironmentVariable(UpgradeEnvironment.ImageVariable) is { } imageText
            ? Descriptor(UpgradeEnvironment.ImageVariable, imageText)
            : -1;
        string? rolledBack = System.Environment.GetEnvironmentVariable(UpgradeEnvironment.RolledBackVariable);
        foreach (string variable in new[] { StateHandoff.Variable, UpgradeEnvironment.ImageVariable, UpgradeEnvironment.RolledBackVariable })
            System.Environment.SetEnvironmentVariable(variable, null);
        // Not for the workers: close-on-exec until a rollback needs them again.
        Posix.SetInheritable(stateFd, false);
        if (imageFd >= 0)
            Posix.SetInheritable(imageFd, false);
        UpgradeHandoff handoff;
        try
        {
            var (schema, json) = StateHandoff.Read(stateFd);
            handoff = UpgradeHandoff.FromJson(schema, json);
        }
        catch (HandoffException e)
        {
            RollBack(e.Message, stateFd, imageFd, null);
            throw;
        }
        Current = new UpgradeRestore(handoff, stateFd, imageFd, rolledBack);
        return Current;
    }

    /// <summary>This image supervises: the old image's file and the state are let go (a deleted binary's space is freed).</summary>
    public void Succeeded()
    {
        if (Current != this)
            return;
        Current = null;
        Posix.Close(_stateFd);
        if (_imageFd >= 0)
            Posix.Close(_imageFd);
        _imageFd = -1;
    }

    /// <summary>Before this image supervises, something failed: back to the old image, which never returns; else nothing.</summary>
    public void RollBack(string reason)
    {
        if (Current != this)
            return;
        // Taken over, what was handed over is close-on-exec again: the old image needs it back.
        foreach (int fd in Handoff.Descriptors.Where(Posix.IsOpen))
            Posix.SetInheritable(fd, true);
        RollBack(reason, _stateFd, _imageFd, Handoff.Image);
    }

    private static void RollBack(string reason, int stateFd, int imageFd, CarriedImage? image)
    {
        if (imageFd < 0)
            return;
        // The old image's command line and environment when the state says them, else this image's (the same, but
        // for an --upgrade-exec wrapper).
        var location = image?.Location();
        var arguments = location?.Arguments ?? ImageLocation.ReadNulSeparated("/proc/self/cmdline");
        var environment = UpgradeEnvironment.Without(location?.Environment ?? ImageLocation.ReadNulSeparated("/proc/self/environ"));
        try
        {
            Posix.SetInheritable(stateFd, true);
            Console.Out.Flush();
            Console.Error.Flush();
            Posix.ExecImage(imageFd, arguments,
                [.. environment, $"{StateHandoff.Variable}={stateFd}", $"{UpgradeEnvironment.RolledBackVariable}={Logging.PrintableText.Escape(reason)}"]);
        }
        catch (PosixException)
        {
            // Nothing to go back to: the caller says why and exits.
        }
    }

    private static int Descriptor(string variable, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) && Posix.IsOpen(fd)
            ? fd
            : throw new HandoffException($"{variable} is \"{text}\", not an open descriptor");
}
