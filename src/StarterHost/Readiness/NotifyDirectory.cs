using System.Globalization;
using System.Text;
using StarterHost.Interop;

namespace StarterHost.Readiness;

/// <summary>
/// Where the workers' notify sockets live: a directory of StarterHost's own with a name nobody can guess
/// (mkdtemp), mode 0700, in the service's runtime directory ($RUNTIME_DIRECTORY, systemd's
/// RuntimeDirectory=), else, for root, /run/starterhost, else $XDG_RUNTIME_DIR, else /tmp. Created at the
/// first notify spawn, removed at exit; one left by an instance that was killed is removed by the next
/// (<see cref="StaleNotifyDirectories"/>). With workers running as another user (<paramref name="workers"/>),
/// the directory is 0711 (they may pass through it, not list it) and each socket belongs to that user, mode
/// 0600: a worker can send to it, nobody else but root.
/// </summary>
/// <param name="staleRemoved">Told of each stale directory removed.</param>
internal sealed class NotifyDirectory(IReadOnlyDictionary<string, string?> environment, int ownPid, Workers.WorkerIdentity? workers = null,
    Action<string>? staleRemoved = null) : IDisposable
{
    /// <summary>Root's base when the service manager names none, as RuntimeDirectory=starterhost would.</summary>
    public const string RootBase = "/run/starterhost";
    private const string LastBase = "/tmp";
    // sockaddr_un.sun_path holds 108 bytes, the final NUL included.
    private const int MaxSocketPath = 107;
    private string? _path;

    /// <summary>The directory, once the first notify spawn made it; null before.</summary>
    public string? Location => _path;

    /// <summary>In the image an upgrade started: the directory the old image made, with its workers' sockets in it.</summary>
    public void Adopt(string path) => _path = path;

    /// <summary>
    /// A socket named by generation and slot. A slot's replacement (same generation, same slot) may start
    /// while its predecessor still holds that name: it gets the next free suffix, for a socket is never
    /// taken over from a live worker.
    /// </summary>
    public NotifySocket Open(int generation, int slot)
    {
        string stem = string.Create(CultureInfo.InvariantCulture, $"notify.{generation}.{slot}");
        _path ??= Create(stem + ".sock");
        string path = Path.Combine(_path, stem + ".sock");
        for (int n = 1; File.Exists(path); n++)
            path = Path.Combine(_path, string.Create(CultureInfo.InvariantCulture, $"{stem}.{n}.sock"));
        var socket = new NotifySocket(path);
        if (workers is null)
            return socket;
        try
        {
            new Listening.SocketFileAccess(UnixFileMode.UserRead | UnixFileMode.UserWrite, workers.Uid, workers.Gid).ApplyTo(socket.Path);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// mkdtemp in the first base that has room for the socket's name (with room for generation numbers to
    /// grow) and lets us create it. Nothing at a guessable name is deleted or reused: a file planted there
    /// (start_server-era /tmp/starterhost.PID) changes nothing.
    /// </summary>
    private string Create(string socketName)
    {
        string leaf = string.Create(CultureInfo.InvariantCulture, $"starterhost.{ownPid}.");
        foreach (string parent in Bases())
        {
            string prefix = Path.Combine(parent, leaf);
            if (parent != LastBase && Encoding.UTF8.GetByteCount($"{prefix}XXXXXX/{socketName}") + 8 > MaxSocketPath)
                continue;
            string path;
            try
            {
                path = Posix.MakeTemporaryDirectory(prefix);
            }
            catch (PosixException) when (parent != LastBase)
            {
                continue;
            }
            try
            {
                if (workers is not null)
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                var self = NotifyDirectoryOwner.OfThisProcess();
                if (self is not null)
                    MarkOwner(path, self);
                if (self is not null && Posix.TryGetFileStatus(path) is { } created)
                {
                    foreach (string stale in StaleNotifyDirectories.Remove(parent, path, created.Uid, self, NotifyDirectoryOwner.StartTimeOf))
                        staleRemoved?.Invoke(stale);
                }
                return path;
            }
            catch
            {
                Directory.Delete(path, recursive: true);
                throw;
            }
        }
        // Unreachable: the last base is always tried, and its failure thrown.
        throw new InvalidOperationException("no base directory for the notify sockets");
    }

    private IEnumerable<string> Bases()
    {
        if (environment.GetValueOrDefault("RUNTIME_DIRECTORY")?.Split(':')[0] is { Length: > 0 } runtime)
            yield return runtime;
        if (System.Environment.IsPrivilegedProcess && RootBaseIsUsable())
            yield return RootBase;
        if (environment.GetValueOrDefault("XDG_RUNTIME_DIR") is { Length: > 0 } xdg)
            yield return xdg;
        yield return LastBase;
    }

    /// <summary>/run/starterhost, created 0755 when missing; used only when it is a directory of root's that only root may write to.</summary>
    private static bool RootBaseIsUsable()
    {
        try
        {
            if (Posix.TryGetFileStatus(RootBase) is null)
            {
                // 0755 less the umask at mkdir (never writable by others meanwhile), then exactly 0755 whatever
                // the umask: workers of another user pass through it to their sockets.
                Directory.CreateDirectory(RootBase, (UnixFileMode)0x1ED);
                File.SetUnixFileMode(RootBase, (UnixFileMode)0x1ED);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return Posix.TryGetFileStatus(RootBase) is { IsDirectory: true, Uid: 0 } status
            && (status.Permissions & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
    }

    private static void MarkOwner(string directory, NotifyDirectoryOwner owner)
    {
        string marker = Path.Combine(directory, NotifyDirectoryOwner.FileName);
        int fd = Posix.CreateExclusive(marker, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            Posix.WriteAll(fd, Encoding.ASCII.GetBytes(owner.Compose()));
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    public void Dispose()
    {
        if (_path is null)
            return;
        try
        {
            Directory.Delete(_path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        _path = null;
    }
}
