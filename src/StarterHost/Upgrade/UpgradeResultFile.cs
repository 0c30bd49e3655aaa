using System.Globalization;
using System.Text;
using StarterHost.Status;

namespace StarterHost.Upgrade;

/// <summary>
/// How the last upgrade attempt ended, beside the pid file (<c>PIDFILE.upgrade</c>), for <c>starterhost --upgrade</c>
/// to wait on: one line, "ATTEMPT ok VERSION" or "ATTEMPT failed REASON", replaced whole. Removed at a fresh start and
/// at exit, so that what a client reads is always this process's.
/// </summary>
internal static class UpgradeResultFile
{
    public static string Of(string pidFile) => pidFile + ".upgrade";

    public sealed record Result(int Attempt, bool Succeeded, string Text);

    public static void Write(string path, int attempt, bool succeeded, string text, int ownPid) =>
        AtomicFile.Replace(path, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{attempt} {(succeeded ? "ok" : "failed")} {Logging.PrintableText.Escape(text)}\n")), ownPid);

    public static Result? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        string[] parts = text.Split(' ', 3);
        return parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int attempt) && parts[1] is "ok" or "failed"
            ? new Result(attempt, parts[1] == "ok", parts[2])
            : null;
    }

    public static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
