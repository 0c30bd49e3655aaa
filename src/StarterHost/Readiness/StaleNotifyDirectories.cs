using System.Globalization;
using System.Text.RegularExpressions;
using StarterHost.Interop;

namespace StarterHost.Readiness;

/// <summary>
/// Notify directories left by StarterHost instances that exited without removing them (SIGKILL, a crash).
/// Removed only when provably ours and dead: named as ours, a real directory owned by our uid, holding
/// nothing but sockets and an owner marker (<see cref="NotifyDirectoryOwner"/>) that names the pid in the
/// name and says its process is gone. Anything else is left alone.
/// </summary>
internal static partial class StaleNotifyDirectories
{
    [GeneratedRegex(@"^starterhost\.(\d+)\.[A-Za-z0-9]{6}$")]
    private static partial Regex Name();

    /// <summary>Removes them from <paramref name="parent"/>, but never <paramref name="ours"/>; returns those removed.</summary>
    public static IReadOnlyList<string> Remove(string parent, string ours, uint uid, NotifyDirectoryOwner self, Func<int, long?> startTimeOf)
    {
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFileSystemEntries(parent).Where(p => Name().IsMatch(Path.GetFileName(p)) && p != ours).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }
        foreach (string directory in candidates)
        {
            if (IsOursAndDead(directory, uid, self, startTimeOf) is { } entries && TryRemove(directory, entries))
                removed.Add(directory);
        }
        return removed;
    }

    /// <summary>Its entries when it may go; null when it is not provably ours, or its maker may live.</summary>
    private static string[]? IsOursAndDead(string directory, uint uid, NotifyDirectoryOwner self, Func<int, long?> startTimeOf)
    {
        string marker = Path.Combine(directory, NotifyDirectoryOwner.FileName);
        if (Posix.TryGetFileStatus(directory) is not { IsDirectory: true } dir || dir.Uid != uid
            || Posix.TryGetFileStatus(marker) is not { IsRegular: true, Links: 1 } file || file.Uid != uid)
            return null;
        try
        {
            int named = int.Parse(Name().Match(Path.GetFileName(directory)).Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            if (NotifyDirectoryOwner.Parse(File.ReadAllText(marker)) is not { } owner || owner.Pid != named || !owner.HasExited(self, startTimeOf))
                return null;
            string[] entries = Directory.GetFileSystemEntries(directory);
            return entries.All(e => e == marker || Posix.TryGetFileStatus(e) is { IsSocket: true }) ? entries : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OverflowException)
        {
            return null;
        }
    }

    private static bool TryRemove(string directory, string[] entries)
    {
        try
        {
            foreach (string entry in entries)
                File.Delete(entry);
            Directory.Delete(directory);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
