using System.Text.Json;

namespace StarterHost.Status;

/// <summary>
/// Writes the <c>--status-json</c> file under the status file's rules: whole, through a temporary file
/// renamed over it; a failed write (a full disk) is the machine's to retry; removed at exit.
/// </summary>
internal sealed class StatusJsonWriter(string path, HostReport host)
{
    private bool _created;

    /// <summary>StarterHost's pid and version, as every report names them.</summary>
    public HostReport Host => host;

    public void Write(StatusReport report)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(report, StatusJsonContext.Default.StatusReport);
        AtomicFile.Replace(path, [.. json, (byte)'\n'], host.Pid);
        _created = true;
    }

    /// <summary>Removes the file, but only when this process wrote it.</summary>
    public void Remove()
    {
        if (!_created)
            return;
        File.Delete(path);
        _created = false;
    }
}
