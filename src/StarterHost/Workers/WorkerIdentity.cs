using StarterHost.Interop;

namespace StarterHost.Workers;

/// <summary>
/// Who the workers run as (<c>--user</c>, <c>--group</c>): the user's uid, the gid (<c>--group</c>, else the
/// user's own group) and the supplementary groups initgroups(3) gives. Resolved at start, where an
/// unknown name is an error, and again by the exec helper before each spawn, so that a change to the
/// group database reaches the next generation as it would a restarted service.
/// </summary>
internal sealed record WorkerIdentity(UserAccount? User, uint Gid)
{
    /// <summary>Null when neither is given: workers keep StarterHost's identity.</summary>
    /// <exception cref="ArgumentException">An unknown user or group; the message names it.</exception>
    public static WorkerIdentity? Resolve(string? user, string? group)
    {
        if (user is null && group is null)
            return null;
        UserAccount? account = null;
        if (user is not null)
            account = PosixAccounts.FindUser(user) ?? throw new ArgumentException($"unknown user {user}");
        uint gid = group is null ? account!.Gid : PosixAccounts.FindGroup(group) ?? throw new ArgumentException($"unknown group {group}");
        return new WorkerIdentity(account, gid);
    }

    /// <summary>The uid files for the workers are given to: the user's, or ours when only a group is set.</summary>
    public uint Uid => User?.Uid ?? PosixAccounts.EffectiveUid;

    /// <summary>setgroups, setgid and (with a user) setuid: after this the process is the worker's identity for good.</summary>
    public void Assume()
    {
        uint[] groups = User is { } user ? PosixAccounts.GroupList(user.Name, Gid) : [Gid];
        PosixAccounts.SwitchTo(User, Gid, groups);
    }
}
