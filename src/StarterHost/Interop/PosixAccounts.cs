using Mono.Unix.Native;

namespace StarterHost.Interop;

/// <summary>A user account as the password database has it.</summary>
internal sealed record UserAccount(string Name, uint Uid, uint Gid);

/// <summary>
/// Users, groups and identity switches, through Mono.Posix (the BCL has no getpwnam, getgrnam, setgroups,
/// setgid or setuid). The only place StarterHost calls Mono.Posix; failures become <see cref="PosixException"/>.
/// </summary>
internal static class PosixAccounts
{
    /// <summary>getpwnam, or getpwuid for a number that names no user (as systemd's User= takes either); null when unknown.</summary>
    public static UserAccount? FindUser(string nameOrId) => Native(() =>
    {
        var entry = Syscall.getpwnam(nameOrId);
        if (entry is null && uint.TryParse(nameOrId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint uid))
            entry = Syscall.getpwuid(uid);
        return entry is null ? null : new UserAccount(entry.pw_name, entry.pw_uid, entry.pw_gid);
    });

    /// <summary>getgrnam, or getgrgid for a number that names no group; null when unknown.</summary>
    public static uint? FindGroup(string nameOrId) => Native(() =>
    {
        var entry = Syscall.getgrnam(nameOrId);
        if (entry is null && uint.TryParse(nameOrId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint gid))
            entry = Syscall.getgrgid(gid);
        return entry?.gr_gid;
    });

    /// <summary>
    /// The groups initgroups(3) would give <paramref name="user"/> with <paramref name="gid"/> as its group:
    /// getgrouplist(3). Mono.Posix has no initgroups; this list and setgroups are what it does.
    /// </summary>
    public static uint[] GroupList(string user, uint gid)
    {
        // Mono.Posix reads only the name and the group of the entry it is given.
        var groups = Native(() => Syscall.getgrouplist(new Passwd { pw_name = user, pw_gid = gid }));
        // It drops gids that have no group entry; the group itself is a member whatever the database says.
        return [.. groups.Select(g => g.gr_gid).Append(gid).Distinct()];
    }

    /// <summary>
    /// setgroups, setgid, setuid, in the only order that works: once the uid is not root, the groups
    /// can no longer change. Afterwards the process cannot get root back. Without a user, the uid stays.
    /// </summary>
    public static void SwitchTo(UserAccount? user, uint gid, uint[] groups)
    {
        Check(Syscall.setgroups(groups), $"setgroups({string.Join(',', groups)})");
        Check(Syscall.setgid(gid), $"setgid({gid})");
        if (user is not null)
            Check(Syscall.setuid(user.Uid), $"setuid({user.Uid})");
    }

    /// <summary>chown(2) of a file we created (a unix socket, a notify socket).</summary>
    public static void ChangeOwner(string path, uint uid, uint gid) =>
        Check(Syscall.chown(path, uid, gid), $"chown({path}, {uid}, {gid})");

    public static uint EffectiveUid => Syscall.geteuid();

    /// <summary>The password and group database calls go through Mono.Posix's native helper, shipped beside the binary.</summary>
    /// <exception cref="InvalidOperationException">The helper is missing: one line that says so, not a stack trace.</exception>
    private static T Native<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException { InnerException: DllNotFoundException })
        {
            // Its type initializer is the first to call the helper, so the failure may come wrapped.
            throw new InvalidOperationException(
                $"Mono.Posix's native helper libMonoPosixHelper.so cannot be loaded; it must be installed beside the starterhost binary, in {AppContext.BaseDirectory}");
        }
    }

    private static void Check(int result, string call)
    {
        if (result < 0)
            throw new PosixException(call, (int)NativeConvert.FromErrno(Stdlib.GetLastError()));
    }
}
