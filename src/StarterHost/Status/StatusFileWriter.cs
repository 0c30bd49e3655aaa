using System.Text;
using StarterHost.Generations;

namespace StarterHost.Status;

/// <summary>Writes the "generation:pid" status file that <c>--restart</c> and monitoring read.</summary>
internal sealed class StatusFileWriter(string path, int ownPid)
{
    private bool _created;

    /// <summary>
    /// Server::Starter: written whole to "&lt;file&gt;.&lt;pid&gt;" and renamed over the file, so a
    /// reader never sees half of it. Lines come in the order the machine gives (the reference's).
    /// </summary>
    public void Write(IEnumerable<Worker> workers)
    {
        var text = new StringBuilder();
        foreach (var worker in workers)
            text.Append(worker.Generation).Append(':').Append(worker.Pid).Append('\n');
        string temporary = $"{path}.{ownPid}";
        File.WriteAllText(temporary, text.ToString());
        _created = true;
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Removes the file, but only if this process wrote it.</summary>
    public void Remove()
    {
        if (!_created)
            return;
        File.Delete(path);
        _created = false;
    }
}
