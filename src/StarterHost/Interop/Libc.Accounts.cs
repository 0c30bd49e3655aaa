using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// The password and group databases and the identity calls (--user, --group, --path-owner): the BCL has none
/// of them. Called straight, without a native helper library, so that the exec helper needs nothing beside it.
/// </summary>
internal static unsafe partial class Libc
{
    /// <summary>struct passwd, the fields read: the same layout on every 64-bit Linux (glibc and musl).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint Uid;
        public uint Gid;
        public byte* Gecos;
        public byte* Directory;
        public byte* Shell;
    }

    /// <summary>struct group.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Group
    {
        public byte* Name;
        public byte* Password;
        public uint Gid;
        public byte** Members;
    }

    // The reentrant forms: StarterHost resolves names on more than one thread. Each returns 0 or an errno,
    // and leaves *result null when there is no such entry.
    [LibraryImport(Lib, EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GetPwNam(string name, Passwd* entry, byte* buffer, nuint size, Passwd** result);

    [LibraryImport(Lib, EntryPoint = "getpwuid_r")]
    internal static partial int GetPwUid(uint uid, Passwd* entry, byte* buffer, nuint size, Passwd** result);

    [LibraryImport(Lib, EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GetGrNam(string name, Group* entry, byte* buffer, nuint size, Group** result);

    [LibraryImport(Lib, EntryPoint = "getgrgid_r")]
    internal static partial int GetGrGid(uint gid, Group* entry, byte* buffer, nuint size, Group** result);

    /// <summary>getgrouplist(3): -1 when <paramref name="count"/> is too small, which it then sets to what is needed.</summary>
    [LibraryImport(Lib, EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GetGroupList(string user, uint gid, uint* groups, int* count);

    [LibraryImport(Lib, EntryPoint = "setgroups", SetLastError = true)]
    internal static partial int SetGroups(nuint count, uint* groups);

    [LibraryImport(Lib, EntryPoint = "setgid", SetLastError = true)]
    internal static partial int SetGid(uint gid);

    [LibraryImport(Lib, EntryPoint = "setuid", SetLastError = true)]
    internal static partial int SetUid(uint uid);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    internal static partial uint GetEuid();

    [LibraryImport(Lib, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Chown(string path, uint uid, uint gid);
}
