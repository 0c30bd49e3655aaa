using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using StarterHost.Interop;

namespace StarterHost.Status;

/// <summary>
/// The pid file, flock(2)ed for the life of the process. The lock is the protocol: <c>--stop</c>
/// (ours or start_server's) waits for it to be released, and a second instance is refused.
/// </summary>
internal sealed class PidFile : IDisposable
{
    private readonly string _path;
    private readonly ulong _inode;
    private SafeFileHandle? _handle;

    private PidFile(string path, SafeFileHandle handle, ulong inode)
    {
        _path = path;
        _handle = handle;
        _inode = inode;
    }

    /// <exception cref="StartupException">
    /// Another live instance holds the file; it cannot be written; or its name is a symlink, a hard link or not
    /// a regular file, which StarterHost, often root, refuses to write through.
    /// </exception>
    public static PidFile Acquire(string path, int pid)
    {
        SafeFileHandle handle;
        try
        {
            // An existing file is taken over, as start_server does: one left by an instance that was killed must
            // not stop the next start, and the lock below tells a live owner. What the name is is checked instead.
            handle = Posix.OpenReadWriteNoFollow(path);
        }
        catch (PosixException e) when (e.Errno == Libc.ELOOP)
        {
            // Server::Starter opens it through a symlink and truncates whatever it points to.
            throw new StartupException($"pid file {path} is a symbolic link; refusing to write through it");
        }
        catch (PosixException e)
        {
            throw new StartupException($"failed to open pid file {path}: {e.Message}");
        }
        ulong inode = InodeOfAFileOfItsOwn(handle, path);
        try
        {
            // Non-blocking: the reference truncates first and then blocks forever behind the owner.
            if (!Posix.TryLockExclusive(handle, path, wait: false))
                throw new StartupException($"pid file {path} is locked by another running instance (pid {ReadPid(path)?.ToString(CultureInfo.InvariantCulture) ?? "unknown"})");
        }
        catch (Exception e)
        {
            handle.Dispose();
            throw e as StartupException ?? new StartupException($"failed to lock pid file {path}: {e.Message}");
        }
        try
        {
            Posix.Truncate(handle, path);
            Posix.WriteAll((int)handle.DangerousGetHandle(), Encoding.ASCII.GetBytes($"{pid}\n"));
            return new PidFile(path, handle, inode);
        }
        catch (PosixException e)
        {
            // A full disk: ours (locked) but unwritten. An empty pid file would mislead --stop and
            // start_server alike, so it goes, as it would at exit.
            new PidFile(path, handle, inode).Dispose();
            throw new StartupException($"failed to write pid file {path}: {e.Reason}");
        }
    }

    /// <summary>
    /// A hard link planted at the name (to /etc/shadow, say) is another name of a file that is not ours, and a
    /// FIFO or a device is no pid file: refused, and closed unwritten. Returns the file's inode.
    /// </summary>
    /// <summary>The locked descriptor, for an upgrade in place to hand over (the lock goes with it).</summary>
    public int Descriptor => (int)(_handle ?? throw new ObjectDisposedException(nameof(PidFile))).DangerousGetHandle();

    /// <summary>In the image an upgrade started: the pid file the old image held, still locked, still naming this pid.</summary>
    public static PidFile Adopt(string path, int fd)
    {
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        return new PidFile(path, handle, Posix.GetFileStatus(handle, path).Inode);
    }

    private static ulong InodeOfAFileOfItsOwn(SafeFileHandle handle, string path)
    {
        string problem;
        try
        {
            var status = Posix.GetFileStatus(handle, path);
            if (status.IsRegular && status.Links == 1)
                return status.Inode;
            problem = status.IsRegular ? $"has {status.Links} hard links (other names for the same file)" : "is not a regular file";
        }
        catch (PosixException e)
        {
            problem = $"cannot be examined: {e.Reason}";
        }
        handle.Dispose();
        throw new StartupException($"pid file {path} {problem}; refusing to write to it");
    }

    /// <summary>The pid written in a pid file, or null when there is none.</summary>
    public static int? ReadPid(string path)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Server::Starter: unlink first, then release the lock by closing. Only while the name is still our file:
    /// not one put there since (by whoever can write to its directory).
    /// </summary>
    public void Dispose()
    {
        if (_handle is null)
            return;
        try
        {
            if (Posix.TryGetFileStatus(_path) is { IsRegular: true } now && now.Inode == _inode)
                File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        _handle.Dispose();
        _handle = null;
    }
}
