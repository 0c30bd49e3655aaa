using System.Globalization;
using StarterHost.Configuration;
using StarterHost.Interop;

namespace StarterHost.Listening;

/// <summary>
/// Who may connect to the unix sockets <c>--path</c> creates: <c>--path-mode</c> and <c>--path-owner</c>,
/// as systemd's SocketMode=, SocketUser= and SocketGroup=. Applied as each socket is bound, before any
/// worker starts.
/// </summary>
/// <param name="Mode">Permission bits; 0777 unless set (Server::Starter: the socket is created under umask 0).</param>
/// <param name="Uid">The owner to give, or null to keep StarterHost's.</param>
/// <param name="Gid">The group to give, or null to keep StarterHost's (or the owner's, with "USER:").</param>
internal sealed record SocketFileAccess(UnixFileMode Mode, uint? Uid, uint? Gid)
{
    public static readonly SocketFileAccess Default = new((UnixFileMode)0x1FF, null, null);

    /// <exception cref="FormatException">A malformed mode, an unknown user or group; the message names the setting and the value.</exception>
    public static SocketFileAccess Parse(string? mode, string? owner)
    {
        var access = Default;
        if (mode is not null)
        {
            if (!int.TryParse(mode.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _) || mode.Trim().Any(c => c > '7')
                || Convert.ToInt32(mode.Trim(), 8) > 0x1FF)
                throw new FormatException($"{StarterOptions.PathModeOption.Given(mode)}: expected an octal mode from 0 to 0777, such as 0660");
            access = access with { Mode = (UnixFileMode)Convert.ToInt32(mode.Trim(), 8) };
        }
        if (owner is null)
            return access;
        int colon = owner.IndexOf(':', StringComparison.Ordinal);
        string user = colon < 0 ? owner : owner[..colon];
        string? group = colon < 0 ? null : owner[(colon + 1)..];
        if (user.Length == 0 && string.IsNullOrEmpty(group))
            throw new FormatException($"{StarterOptions.PathOwnerOption.Given(owner)}: expected USER, USER:GROUP or :GROUP");
        if (user.Length > 0)
        {
            var account = PosixAccounts.FindUser(user) ?? throw new FormatException($"{StarterOptions.PathOwnerOption.Given(owner)}: unknown user {user}");
            // chown(1)'s "USER:" means the user's own group.
            access = access with { Uid = account.Uid, Gid = group == "" ? account.Gid : null };
        }
        if (!string.IsNullOrEmpty(group))
            access = access with { Gid = PosixAccounts.FindGroup(group) ?? throw new FormatException($"{StarterOptions.PathOwnerOption.Given(owner)}: unknown group {group}") };
        return access;
    }

    /// <summary>chown (when asked), then chmod, of a socket file just bound.</summary>
    public void ApplyTo(string path)
    {
        if (Uid is not null || Gid is not null)
            PosixAccounts.ChangeOwner(path, Uid ?? uint.MaxValue, Gid ?? uint.MaxValue);
        File.SetUnixFileMode(path, Mode);
    }
}
