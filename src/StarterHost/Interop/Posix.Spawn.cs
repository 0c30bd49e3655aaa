using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>posix_spawn, with exactly the descriptors, signal state and process group a child should have.</summary>
internal static unsafe partial class Posix
{
    /// <summary>
    /// posix_spawn: safe from a multi-threaded runtime (managed code must not fork), and it lets the
    /// child get exactly the descriptors, signal state and session we choose. Exec failures
    /// (ENOENT, EACCES, a failed chdir) come back as the return value, so they are reported here.
    /// </summary>
    public static int Spawn(SpawnRequest request)
    {
        // glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; sigset_t is 128.
        const int OpaqueSize = 1024;
        byte* actions = (byte*)NativeMemory.AllocZeroed(OpaqueSize);
        byte* attributes = (byte*)NativeMemory.AllocZeroed(OpaqueSize);
        byte* signals = (byte*)NativeMemory.AllocZeroed(OpaqueSize);
        var strings = new List<IntPtr>();
        try
        {
            Check(Libc.FileActionsInit(actions), "posix_spawn_file_actions_init");
            Check(Libc.SpawnAttrInit(attributes), "posix_spawnattr_init");
            try
            {
                AddDescriptorActions(actions, request.Descriptors);
                if (request.WorkingDirectory is { } dir)
                    Check(Libc.FileActionsAddChdir(actions, Utf8(dir, strings)), "posix_spawn_file_actions_addchdir_np");

                // The runtime blocks and handles signals of its own; a worker starts clean:
                // nothing blocked, every disposition at its default (SIGPIPE included).
                Libc.SigEmptySet(signals);
                Check(Libc.SpawnAttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
                Libc.SigFillSet(signals);
                Check(Libc.SpawnAttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
                short flags = Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;
                if (request.NewSession)
                    flags |= Libc.POSIX_SPAWN_SETSID;
                if (request.NewProcessGroup)
                {
                    // Process group 0: the child leads a group of its own, numbered by its pid.
                    Check(Libc.SpawnAttrSetPgroup(attributes, 0), "posix_spawnattr_setpgroup");
                    flags |= Libc.POSIX_SPAWN_SETPGROUP;
                }
                Check(Libc.SpawnAttrSetFlags(attributes, flags), "posix_spawnattr_setflags");

                byte** argv = NullTerminated(request.Arguments, strings);
                byte** envp = NullTerminated(request.Environment, strings);
                int pid;
                int error = Libc.PosixSpawn(&pid, Utf8(request.Path, strings), actions, attributes, argv, envp);
                if (error != 0)
                    throw new PosixException($"exec {request.Path}", error);
                return pid;
            }
            finally
            {
                Libc.FileActionsDestroy(actions);
                Libc.SpawnAttrDestroy(attributes);
            }
        }
        finally
        {
            foreach (var s in strings)
                NativeMemory.Free((void*)s);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
        }
    }

    /// <summary>
    /// Moves each parent fd to its child number in two steps through fds above every number in play,
    /// so that no move overwrites a source another move still needs; then closes everything else.
    /// </summary>
    private static void AddDescriptorActions(void* actions, IReadOnlyList<(int ParentFd, int ChildFd)> descriptors)
    {
        int highest = 2;
        foreach (var (parent, child) in descriptors)
            highest = Math.Max(highest, Math.Max(parent, child));
        int scratch = highest + 1;
        for (int i = 0; i < descriptors.Count; i++)
            Check(Libc.FileActionsAddDup2(actions, descriptors[i].ParentFd, scratch + i), "posix_spawn_file_actions_adddup2");
        int highestChild = 2;
        var childFds = new HashSet<int>();
        for (int i = 0; i < descriptors.Count; i++)
        {
            int child = descriptors[i].ChildFd;
            childFds.Add(child);
            highestChild = Math.Max(highestChild, child);
            // dup2 clears FD_CLOEXEC on the target: this is what makes the listener inheritable.
            Check(Libc.FileActionsAddDup2(actions, scratch + i, child), "posix_spawn_file_actions_adddup2");
        }
        for (int fd = 3; fd <= highestChild; fd++)
        {
            if (!childFds.Contains(fd))
                Check(Libc.FileActionsAddClose(actions, fd), "posix_spawn_file_actions_addclose");
        }
        Check(Libc.FileActionsAddCloseFrom(actions, highestChild + 1), "posix_spawn_file_actions_addclosefrom_np");
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
            throw new PosixException(call, result);
    }
}
