using System.Globalization;

namespace StarterHost.Status;

/// <summary>How every status file is written: whole, so that a reader never sees half of it.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Server::Starter: written to "&lt;file&gt;.&lt;pid&gt;" and renamed over the file. A write that fails
    /// (a full disk) leaves no half-written temporary behind.
    /// </summary>
    public static void Replace(string target, ReadOnlySpan<byte> content, int ownPid)
    {
        string temporary = $"{target}.{ownPid.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            using (var file = File.Create(temporary))
                file.Write(content);
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
