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
    private SafeFileHandle? _handle;

    private PidFile(string path, SafeFileHandle handle)
    {
        _path = path;
        _handle = handle;
    }

    /// <exception cref="StartupException">Another live instance holds the file, or it cannot be written.</exception>
    public static PidFile Acquire(string path, int pid)
    {
        SafeFileHandle handle;
        try
        {
            handle = Posix.OpenReadWrite(path);
        }
        catch (PosixException e)
        {
            throw new StartupException($"failed to open pid file {path}: {e.Message}");
        }
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
            return new PidFile(path, handle);
        }
        catch (PosixException e)
        {
            // A full disk: ours (locked) but unwritten. An empty pid file would mislead --stop and
            // start_server alike, so it goes, as it would at exit.
            new PidFile(path, handle).Dispose();
            throw new StartupException($"failed to write pid file {path}: {e.Reason}");
        }
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

    /// <summary>Server::Starter: unlink first, then release the lock by closing.</summary>
    public void Dispose()
    {
        if (_handle is null)
            return;
        try
        {
            File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        _handle.Dispose();
        _handle = null;
    }
}
