using System.Globalization;
using System.Text;

namespace StarterHost.Readiness;

/// <summary>
/// Where the workers' notify sockets live: a directory of StarterHost's own, mode 0700, in the service's
/// runtime directory ($RUNTIME_DIRECTORY, systemd's RuntimeDirectory=), else $XDG_RUNTIME_DIR, else /tmp.
/// Created at the first notify spawn, removed at exit. With workers running as another user
/// (<paramref name="workers"/>), the directory is 0711 (they may pass through it, not list it) and each
/// socket belongs to that user, mode 0600: a worker can send to it, nobody else but root.
/// </summary>
internal sealed class NotifyDirectory(IReadOnlyDictionary<string, string?> environment, int ownPid, Workers.WorkerIdentity? workers = null) : IDisposable
{
    // sockaddr_un.sun_path holds 108 bytes, the final NUL included.
    private const int MaxSocketPath = 107;
    private string? _path;

    /// <summary>
    /// A socket named by generation and slot. A slot's replacement (same generation, same slot) may start
    /// while its predecessor still holds that name: it gets the next free suffix, for a socket is never
    /// taken over from a live worker.
    /// </summary>
    public NotifySocket Open(int generation, int slot)
    {
        string stem = string.Create(CultureInfo.InvariantCulture, $"notify.{generation}.{slot}");
        _path ??= Create(stem + ".sock");
        string path = System.IO.Path.Combine(_path, stem + ".sock");
        for (int n = 1; File.Exists(path); n++)
            path = System.IO.Path.Combine(_path, string.Create(CultureInfo.InvariantCulture, $"{stem}.{n}.sock"));
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

    private string Create(string socketName)
    {
        string leaf = $"starterhost.{ownPid.ToString(CultureInfo.InvariantCulture)}";
        string? runtime = environment.GetValueOrDefault("RUNTIME_DIRECTORY")?.Split(':')[0];
        string[] bases = [.. new[] { runtime, environment.GetValueOrDefault("XDG_RUNTIME_DIR"), "/tmp" }.Where(b => !string.IsNullOrEmpty(b))!];
        // A long base would leave no room for the socket's name, with room for generation numbers to grow: try the next.
        string chosen = bases.First(b => Encoding.UTF8.GetByteCount(System.IO.Path.Combine(b, leaf, socketName)) + 8 <= MaxSocketPath || b == "/tmp");
        string path = System.IO.Path.Combine(chosen, leaf);
        if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(path, workers is null ? mode : mode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return path;
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
