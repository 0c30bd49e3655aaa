using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StarterHost.Interop;

/// <summary>Thin, exception-raising wrappers over <see cref="Libc"/>.</summary>
internal static unsafe partial class Posix
{
    /// <summary>
    /// Sends a signal with kill(2): Process.Kill can only send SIGKILL.
    /// Returns false when the process is already gone.
    /// </summary>
    public static bool SendSignal(int pid, int signal)
    {
        if (pid <= 0)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "refusing to signal a process group");
        if (Libc.Kill(pid, signal) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == Libc.ESRCH)
            return false;
        throw new PosixException($"kill({pid}, {signal})", errno);
    }

    /// <summary>True when a process with that pid exists (kill with signal 0).</summary>
    public static bool ProcessExists(int pid)
    {
        if (Libc.Kill(pid, 0) == 0)
            return true;
        return Marshal.GetLastPInvokeError() != Libc.ESRCH;
    }

    /// <summary>flock(LOCK_EX), non-blocking when asked; false when another holder has the lock.</summary>
    public static bool TryLockExclusive(SafeHandle file, string name, bool wait)
    {
        int fd = (int)file.DangerousGetHandle();
        while (true)
        {
            if (Libc.Flock(fd, wait ? Libc.LOCK_EX : Libc.LOCK_EX | Libc.LOCK_NB) == 0)
                return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EWOULDBLOCK && !wait)
                return false;
            if (errno != Libc.EINTR)
                throw new PosixException($"flock({name})", errno);
        }
    }

    public static void Dup2(int oldFd, int newFd)
    {
        if (Libc.Dup2(oldFd, newFd) < 0)
            throw PosixException.FromLastError($"dup2({oldFd}, {newFd})");
    }

    public static void Close(int fd) => Libc.Close(fd);

    /// <summary>Sets FD_CLOEXEC, which every descriptor .NET opens has and an inherited one may lack.</summary>
    public static void SetCloseOnExec(int fd)
    {
        if (Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC) < 0)
            throw PosixException.FromLastError($"fcntl({fd}, F_SETFD, FD_CLOEXEC)");
    }

    /// <summary>Opens a file for appending, close-on-exec, creating it 0644.</summary>
    public static int OpenForAppend(string path)
    {
        int fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC, 0x1A4);
        if (fd < 0)
            throw PosixException.FromLastError($"open({path})");
        return fd;
    }

    /// <summary>
    /// Opens an existing file read-only, close-on-exec: enough to wait for its flock(2). Raw open(2), not
    /// FileStream: .NET takes flock(LOCK_SH) on files it opens, which would fight the pid-file lock protocol.
    /// </summary>
    public static SafeFileHandle OpenReadOnly(string path)
    {
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw PosixException.FromLastError($"open({path})");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    public static void Truncate(SafeFileHandle file, string name)
    {
        if (Libc.Ftruncate((int)file.DangerousGetHandle(), 0) < 0)
            throw PosixException.FromLastError($"ftruncate({name})");
    }

    /// <summary>A close-on-exec pipe: (read end, write end).</summary>
    public static (int Read, int Write) OpenPipe()
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) < 0)
            throw PosixException.FromLastError("pipe2");
        return (fds[0], fds[1]);
    }

    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nint done = 0;
            while (done < data.Length)
            {
                nint n = Libc.Write(fd, p + done, data.Length - done);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR)
                        continue;
                    throw new PosixException($"write({fd})", errno);
                }
                done += n;
            }
        }
    }

    /// <summary>Reads until end of file.</summary>
    public static byte[] ReadToEnd(int fd)
    {
        var result = new List<byte>();
        byte* buffer = stackalloc byte[4096];
        while (true)
        {
            nint n = Libc.Read(fd, buffer, 4096);
            if (n == 0)
                return result.ToArray();
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                    continue;
                throw new PosixException($"read({fd})", errno);
            }
            result.AddRange(new ReadOnlySpan<byte>(buffer, (int)n));
        }
    }

    public static int CurrentPid => Libc.GetPid();

    /// <summary>
    /// CLOCK_MONOTONIC in microseconds, the clock sd_notify's MONOTONIC_USEC= is read against. Asked
    /// of the kernel by name: Stopwatch does not promise which clock it uses.
    /// </summary>
    public static long MonotonicMicroseconds
    {
        get
        {
            long* timespec = stackalloc long[2];
            if (Libc.ClockGetTime(Libc.CLOCK_MONOTONIC, timespec) < 0)
                throw PosixException.FromLastError("clock_gettime(CLOCK_MONOTONIC)");
            return timespec[0] * 1_000_000 + timespec[1] / 1_000;
        }
    }

    /// <summary>access(X_OK): null when executable, else the reason.</summary>
    public static string? WhyNotExecutable(string path) =>
        Libc.Access(path, Libc.X_OK) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    /// <summary>access(W_OK | X_OK) of a directory: null when files can be created in it, else the reason.</summary>
    public static string? WhyNoFilesIn(string directory) =>
        File.Exists(directory) ? Marshal.GetPInvokeErrorMessage(Libc.ENOTDIR)
        : Libc.Access(directory, Libc.W_OK | Libc.X_OK) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

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

    /// <summary>A C string of <paramref name="value"/>'s bytes: UTF-8, with bytes that were not UTF-8 restored (see <see cref="EscapedUtf8"/>).</summary>
    private static byte* Utf8(string value, List<IntPtr> owned)
    {
        byte[] bytes = EscapedUtf8.Encode(value);
        byte* p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        owned.Add((IntPtr)p);
        return p;
    }

    private static byte** NullTerminated(IReadOnlyList<string> values, List<IntPtr> owned)
    {
        byte** array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        owned.Add((IntPtr)array);
        for (int i = 0; i < values.Count; i++)
            array[i] = Utf8(values[i], owned);
        return array;
    }
}
