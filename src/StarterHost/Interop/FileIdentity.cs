namespace StarterHost.Interop;

/// <summary>What statx says of a path: whether it is a socket, and its inode (to tell our file from a newer one).</summary>
internal readonly record struct FileIdentity(bool IsSocket, ulong Inode);
