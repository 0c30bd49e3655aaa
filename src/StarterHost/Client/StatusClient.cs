using System.Text.Json;
using StarterHost.Configuration;
using StarterHost.Interop;
using StarterHost.Status;

namespace StarterHost.Client;

/// <summary>
/// <c>--status</c>: reads the <c>--status-json</c> file and prints it for a human. Its exit status says whether the
/// service serves (see <see cref="Serving"/> and the others), so that a script or a monitor need not parse.
/// The file is found through --status-json alone: the pid file names no other file (it is start_server's
/// "&lt;pid&gt;\n"), and a JSON file beside it by default would be one nobody asked for.
/// </summary>
internal static class StatusClient
{
    /// <summary>StarterHost runs and at least one worker serves.</summary>
    public const int Serving = 0;

    /// <summary>StarterHost runs, but no worker serves: generation 1 starting, every start failing, or stopping.</summary>
    public const int NotServing = 2;

    /// <summary>StarterHost is not running: no file (it is removed at exit), or one left by a StarterHost that is gone.</summary>
    public const int NotRunning = 3;

    public static int Run(StarterOptions options, TextWriter output)
    {
        string path = options.StatusJson!;
        if (Read(path) is not { } report)
        {
            output.WriteLine($"starterhost is not running: there is no {path}");
            return NotRunning;
        }
        if (!Posix.ProcessExists(report.Starterhost.Pid))
        {
            output.WriteLine($"starterhost is not running: {path} was left by pid {report.Starterhost.Pid}, which has exited");
            return NotRunning;
        }
        foreach (string line in StatusText.Describe(report, DateTime.UtcNow))
            output.WriteLine(line);
        return StatusText.IsServing(report) ? Serving : NotServing;
    }

    /// <summary>The report, or null when there is no file.</summary>
    private static StatusReport? Read(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClientFailure($"failed to read {path}: {e.Message}");
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            // A newer layout is said as such, before a field it lacks or renamed could be blamed.
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("format", out var format)
                && format.TryGetInt32(out int version) && version > StatusReport.CurrentFormat)
                throw new ClientFailure($"{path} is of format {version}; this starterhost reads format {StatusReport.CurrentFormat}");
            return document.Deserialize(StatusJsonContext.Default.StatusReport)
                ?? throw new ClientFailure($"failed to read {path}: it holds null");
        }
        catch (JsonException e)
        {
            throw new ClientFailure($"failed to read {path}: not a StarterHost status: {e.Message}");
        }
    }
}
