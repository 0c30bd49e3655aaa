namespace StarterHost.Interop;

/// <summary>
/// What statx(2) says of a file: its type and permission bits, owner, number of names (hard links) and inode
/// (to tell our file from a newer one at the same name).
/// </summary>
internal readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, uint Links, ulong Inode)
{
    private const uint TypeMask = 0xF000;

    public bool IsSocket => (Mode & TypeMask) == 0xC000;

    public bool IsRegular => (Mode & TypeMask) == 0x8000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    /// <summary>The permission bits, set-id and sticky bits included (07777).</summary>
    public UnixFileMode Permissions => (UnixFileMode)(Mode & 0xFFF);
}
