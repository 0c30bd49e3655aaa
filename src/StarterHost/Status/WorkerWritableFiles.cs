using StarterHost.Interop;

namespace StarterHost.Status;

/// <summary>
/// StarterHost's own files (pid file, status files, log file) in a directory the workers' user can change.
/// StarterHost, often root, writes them without following a symlink, but a worker that can write to their
/// directory can still put a file of its choosing at the name (a pid that <c>--stop</c> then signals).
/// Permission bits only: ACLs are not read.
/// </summary>
internal static class WorkerWritableFiles
{
    /// <summary>Each file whose directory (or a directory above it) the user can change, with that directory.</summary>
    /// <param name="stat">What a directory is, following symlinks (<see cref="Posix.TryGetFileStatus"/>); null when it is missing.</param>
    public static IReadOnlyList<(string File, string Directory)> Find(IEnumerable<string> files, uint uid, IReadOnlySet<uint> gids, Func<string, FileStatus?> stat)
    {
        var found = new List<(string, string)>();
        foreach (string file in files)
        {
            bool holdsTheFile = true;
            for (string? directory = Path.GetDirectoryName(Path.GetFullPath(file)); directory is not null; directory = Path.GetDirectoryName(directory))
            {
                if (stat(directory) is { } status && CanChange(status, uid, gids, holdsTheFile))
                {
                    found.Add((file, directory));
                    break;
                }
                holdsTheFile = false;
            }
        }
        return found;
    }

    private static bool CanChange(FileStatus directory, uint uid, IReadOnlySet<uint> gids, bool holdsTheFile)
    {
        // Its owner may chmod it, whatever the bits say now.
        if (directory.Uid == uid)
            return true;
        // As the kernel decides: the group's bits for a member, the others' bits for the rest.
        var write = gids.Contains(directory.Gid) ? UnixFileMode.GroupWrite : UnixFileMode.OtherWrite;
        if (!directory.Permissions.HasFlag(write))
            return false;
        // Sticky (/tmp): the user cannot move what others own there, but can take a name nobody holds yet;
        // above the file's own directory every name on the path exists already.
        return holdsTheFile || !directory.Permissions.HasFlag(UnixFileMode.StickyBit);
    }
}
