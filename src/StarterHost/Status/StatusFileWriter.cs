using System.Globalization;
using System.Text;
using StarterHost.Generations;

namespace StarterHost.Status;

/// <summary>
/// Writes the "generation:pid" status file that <c>--restart</c> and monitoring read, byte for byte as
/// start_server does, and beside it <c>FILE.failure</c> while a requested restart has failed, which our
/// <c>--restart</c> and <c>--reload</c> read to fail at once instead of at their timeout.
/// </summary>
internal sealed class StatusFileWriter(string path, int ownPid)
{
    private bool _created;
    // What the failure file says, null when there is none of ours; set only once a write or delete succeeded.
    // The restart client takes a failure file written after its HUP for a new failure: one that stands is
    // not written again when the workers change.
    private RestartFailure? _failureOnDisk;
    // The last document written, or null when that write failed. With --status-json a document changes more
    // often than these files do: they are written when what they say changes, or after a failure, as before.
    private StatusDocument? _written = StatusDocument.Empty;

    public static string FailureFileOf(string statusFile) => statusFile + ".failure";

    /// <summary>
    /// Lines come in the order the machine gives (the reference's). The failure file first: a client that
    /// reads the status file and then the failure file knows whether a generation listed has failed.
    /// </summary>
    public void Write(StatusDocument document)
    {
        if (_written is { } written && document.SameFilesAs(written))
            return;
        _written = null;
        WriteFailure(document.Failure);
        var text = new StringBuilder();
        foreach (var worker in document.Workers)
            text.Append(CultureInfo.InvariantCulture, $"{worker.Generation}:{worker.Pid}\n");
        Replace(path, text.ToString());
        _created = true;
        _written = document;
    }

    private void WriteFailure(RestartFailure? failure)
    {
        if (Equals(failure, _failureOnDisk))
            return;
        if (failure is not null)
            Replace(FailureFileOf(path), FailureDescription.Of(failure) + "\n");
        else
            File.Delete(FailureFileOf(path));
        _failureOnDisk = failure;
    }

    private void Replace(string target, string text) => AtomicFile.Replace(target, Encoding.UTF8.GetBytes(text), ownPid);

    /// <summary>Removes the files, but only those this process wrote.</summary>
    public void Remove()
    {
        if (_failureOnDisk is not null)
            File.Delete(FailureFileOf(path));
        _failureOnDisk = null;
        if (!_created)
            return;
        File.Delete(path);
        _created = false;
    }
}
