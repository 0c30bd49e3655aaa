using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Status;

namespace StarterHost.Upgrade;

/// <summary>
/// What one image hands the next across an upgrade in place: the machine's state and armed timers
/// (<see cref="Machine"/>), and what the effect layer holds that the machine does not know, by descriptor number
/// (each one's FD_CLOEXEC cleared for the exec). Versioned with the machine's schema: the memfd's header says
/// <see cref="StateSnapshot.CurrentSchema"/>, and a reader refuses a schema, or a field, it does not know.
/// </summary>
/// <param name="Attempt">The upgrade attempt (SIGUSR2) this exec is, as the waiting --upgrade client follows it.</param>
/// <param name="Version">The version the new file's check reported.</param>
/// <param name="Image">How the old image was started, for the next upgrade and for a rollback.</param>
/// <param name="Workers">Every live worker and the start time /proc/PID/stat gave it: a pid is adopted only if still that process.</param>
/// <param name="Signals">Signals the old image counted and had not handled yet (a signalfd's unread ones stay pending in the kernel).</param>
/// <param name="PidFileFd">The pid file, still locked.</param>
/// <param name="Listeners">The listening sockets, in the order of the addresses the configuration gives.</param>
/// <param name="NotifyDirectory">The notify sockets' directory, once one was made (--readiness=notify).</param>
/// <param name="NotifySockets">The notify socket of each live worker (--readiness=notify).</param>
/// <param name="ImageStartedAt">When the first image started (--status-json reports each image's own start too).</param>
/// <param name="Timeline">With --status-json, the times it gives (spawned, started, signalled, the last exits and failure); none from an image that did not hand them over.</param>
/// <param name="Durations">The metrics' histograms and what they were timing (absent from an older image's handoff: then they start again).</param>
/// <param name="MetricsSocket">The --metrics listening socket, so that no scrape is refused across the exec.</param>
/// <param name="ExecAtMicroseconds">CLOCK_MONOTONIC just before the exec, so the new image can say how long it took to take over.</param>
internal sealed record UpgradeHandoff(
    StateSnapshot Machine,
    int Attempt,
    string Version,
    CarriedImage Image,
    ImmutableArray<CarriedWorker> Workers,
    ImmutableArray<int> Signals,
    int? PidFileFd,
    ImmutableArray<CarriedListener> Listeners,
    string? NotifyDirectory,
    ImmutableArray<CarriedNotifySocket> NotifySockets,
    DateTime ImageStartedAt,
    CarriedTimeline? Timeline = null,
    CarriedDurations? Durations = null,
    CarriedMetricsSocket? MetricsSocket = null,
    long? ExecAtMicroseconds = null)
{
    /// <summary>Every descriptor handed over: inheritable across the exec, close-on-exec once taken over.</summary>
    public IEnumerable<int> Descriptors =>
        Listeners.Select(l => l.Fd)
            .Concat(NotifySockets.Select(n => n.Fd))
            .Concat(PidFileFd is { } pid ? [pid] : [])
            .Concat(MetricsSocket is { } metrics ? [metrics.Fd] : []);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, HandoffJsonContext.Default.UpgradeHandoff);

    /// <exception cref="HandoffException">Not a state this StarterHost reads: another schema, or malformed.</exception>
    public static UpgradeHandoff FromJson(int schema, ReadOnlySpan<byte> json, Func<int, bool>? readable = null)
    {
        if (!(readable ?? StateSnapshot.Readable)(schema))
            throw new HandoffException($"state schema {schema} is not one this StarterHost reads (it reads {StateSnapshot.CurrentSchema})");
        try
        {
            var handoff = JsonSerializer.Deserialize(json, HandoffJsonContext.Default.UpgradeHandoff) ?? throw new JsonException("null");
            if (!StateSnapshot.Readable(handoff.Machine.Schema))
                throw new JsonException($"its machine state has schema {handoff.Machine.Schema}");
            return handoff;
        }
        catch (JsonException e)
        {
            throw new HandoffException($"the upgrade state cannot be read: {e.Message}");
        }
    }
}

/// <summary>
/// The old image's executable (as resolved at its start), how many arguments are the program's, and its command line
/// and environment as bytes, NUL-terminated, exactly as /proc shows them (not every argument is UTF-8).
/// </summary>
internal sealed record CarriedImage(string Executable, int ProgramLength, byte[] Arguments, byte[] Environment)
{
    public static CarriedImage Of(ImageLocation location) =>
        new(location.Executable, location.ProgramLength, Join(location.Arguments), Join(location.Environment));

    public ImageLocation Location() =>
        new(Executable, ImageLocation.SplitNulTerminated(Arguments), ProgramLength, ImageLocation.SplitNulTerminated(Environment));

    private static byte[] Join(IReadOnlyList<string> strings) =>
        [.. strings.SelectMany(s => EscapedUtf8.Encode(s).Append((byte)0))];
}

internal sealed record CarriedWorker(int Pid, ulong StartTime);

/// <summary>A listening socket; <paramref name="CreatedFile"/>: the unix socket file it made (removed at exit if still that inode).</summary>
internal sealed record CarriedListener(int Fd, int ChildFd, string? CreatedFile = null, ulong CreatedInode = 0);

internal sealed record CarriedNotifySocket(int Pid, int Fd, string Path);

/// <summary>The times of the workers, the last exit of each slot and when the failures counted so far were first shown, as they cross an exec.</summary>
internal sealed record CarriedTimeline(ImmutableArray<CarriedTimes> Live, ImmutableArray<CarriedExit> LastExits, int FailuresSeen, DateTime FailureAt);

internal sealed record CarriedTimes(int Pid, int Generation, int Slot, DateTime StartedAt, DateTime? ReadyAt, DateTime? SignalledAt, int Signal);

internal sealed record CarriedExit(int Slot, ExitReport Exit);

/// <summary>The --metrics socket; <paramref name="CreatedFile"/>: the unix socket file it made (removed at exit if still that inode).</summary>
internal sealed record CarriedMetricsSocket(int Fd, string? CreatedFile = null, ulong CreatedInode = 0);

[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(UpgradeHandoff))]
internal sealed partial class HandoffJsonContext : JsonSerializerContext;
