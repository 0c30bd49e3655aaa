using System.Globalization;
using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>A user account as the password database has it.</summary>
internal sealed record UserAccount(string Name, uint Uid, uint Gid);

/// <summary>
/// Users, groups and identity switches through libc (<see cref="Libc"/>); failures become <see cref="PosixException"/>.
/// The exec helper shares this file, so a worker's identity is resolved the same way at start and at each spawn.
/// </summary>
internal static unsafe class PosixAccounts
{
    /// <summary>getpwnam, or getpwuid for a number that names no user (as systemd's User= takes either); null when unknown.</summary>
    public static UserAccount? FindUser(string nameOrId)
    {
        var user = Lookup<Libc.Passwd, UserAccount>($"getpwnam({nameOrId})", (e, b, n, r) => Libc.GetPwNam(nameOrId, e, b, n, r), Account);
        if (user is null && Number(nameOrId) is { } uid)
            user = Lookup<Libc.Passwd, UserAccount>($"getpwuid({uid})", (e, b, n, r) => Libc.GetPwUid(uid, e, b, n, r), Account);
        return user;
    }

    /// <summary>getgrnam, or getgrgid for a number that names no group; null when unknown.</summary>
    public static uint? FindGroup(string nameOrId)
    {
        var found = Lookup<Libc.Group, GroupId>($"getgrnam({nameOrId})", (e, b, n, r) => Libc.GetGrNam(nameOrId, e, b, n, r), g => new GroupId(g.Gid));
        if (found is null && Number(nameOrId) is { } gid)
            found = Lookup<Libc.Group, GroupId>($"getgrgid({gid})", (e, b, n, r) => Libc.GetGrGid(gid, e, b, n, r), g => new GroupId(g.Gid));
        return found?.Gid;
    }

    /// <summary>The groups initgroups(3) would give <paramref name="user"/> with <paramref name="gid"/> as its group: getgrouplist(3).</summary>
    public static uint[] GroupList(string user, uint gid)
    {
        int count = 32;
        while (true)
        {
            var groups = new uint[count];
            int asked = count;
            fixed (uint* p = groups)
            {
                if (Libc.GetGroupList(user, gid, p, &count) >= 0)
                    return [.. groups.AsSpan(0, count).ToArray().Append(gid).Distinct()];
            }
            // Too small: count now says how many there are (glibc), or nothing changed (musl): grow.
            count = Math.Max(count, asked * 2);
        }
    }

    /// <summary>
    /// setgroups, setgid, setuid, in the only order that works: once the uid is not root, the groups
    /// can no longer change. Afterwards the process cannot get root back. Without a user, the uid stays.
    /// </summary>
    public static void SwitchTo(UserAccount? user, uint gid, uint[] groups)
    {
        fixed (uint* p = groups)
            Check(Libc.SetGroups((nuint)groups.Length, p), $"setgroups({string.Join(',', groups)})");
        Check(Libc.SetGid(gid), $"setgid({gid})");
        if (user is not null)
            Check(Libc.SetUid(user.Uid), $"setuid({user.Uid})");
    }

    /// <summary>chown(2) of a file we created (a unix socket, a notify socket).</summary>
    public static void ChangeOwner(string path, uint uid, uint gid) =>
        Check(Libc.Chown(path, uid, gid), $"chown({path}, {uid}, {gid})");

    public static uint EffectiveUid => Libc.GetEuid();

    private delegate int LookupCall<T>(T* entry, byte* buffer, nuint size, T** result) where T : unmanaged;

    /// <summary>A found entry, copied out by <paramref name="copy"/> (its strings live in the buffer); null when there is none.</summary>
    private static TResult? Lookup<T, TResult>(string call, LookupCall<T> lookup, Func<T, TResult> copy) where T : unmanaged where TResult : class
    {
        for (nuint size = 1024; ; size *= 2)
        {
            byte* buffer = (byte*)NativeMemory.Alloc(size);
            try
            {
                T entry;
                T* result = null;
                int error = lookup(&entry, buffer, size, &result);
                if (error == Libc.ERANGE)
                    continue;
                if (result is not null)
                    return copy(*result);
                // getpwnam_r(3): ENOENT, ESRCH, EBADF and EPERM are among the ways of saying "no such entry".
                if (error is 0 or Libc.ENOENT or Libc.ESRCH or Libc.EBADF or Libc.EPERM)
                    return null;
                throw new PosixException(call, error);
            }
            finally
            {
                NativeMemory.Free(buffer);
            }
        }
    }

    private static UserAccount Account(Libc.Passwd entry) => new(Marshal.PtrToStringUTF8((nint)entry.Name) ?? "", entry.Uid, entry.Gid);

    private sealed record GroupId(uint Gid);

    private static uint? Number(string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint n) ? n : null;

    private static void Check(int result, string call)
    {
        if (result < 0)
            throw PosixException.FromLastError(call);
    }
}
