using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StarterHost.Generations;

/// <summary>
/// Everything the machine knows, as it crosses an exec (the upgrade in place): the state, and the timers armed
/// for it, as versioned plain data. Written and read through <see cref="StateJsonContext"/>, source-generated
/// (NativeAOT, no reflection).
/// </summary>
/// <param name="Schema">
/// The layout's version. A reader takes the versions it knows (<see cref="Readable"/>) and refuses any other,
/// before it acts on anything (the new image's preflight asks exactly this). It goes up by one whenever a state an
/// older StarterHost wrote would be read wrongly, or not at all, by this one: a part renamed, moved or removed, a
/// field whose meaning changed, a type name (the "$type" of a failure, a part or an event) given to something else.
/// A new field whose absence means "as before" (a counter that starts at 0) needs no new version; readers refuse a
/// field they do not know, so a state never loses one silently.
/// </param>
/// <param name="Timers">The timers armed when the state was taken: each its event, and when it is due.</param>
internal sealed record StateSnapshot(int Schema, GenerationState State, ImmutableArray<ArmedTimer> Timers)
{
    public const int CurrentSchema = 1;

    /// <summary>The versions this StarterHost reads: its own, and the older ones it knows how to take over.</summary>
    public static bool Readable(int schema) => schema == CurrentSchema;

    public static StateSnapshot Of(GenerationState state, ImmutableArray<ArmedTimer> timers) => new(CurrentSchema, state, timers);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, StateJsonContext.Default.StateSnapshot);

    /// <exception cref="JsonException">Not a state this StarterHost can read: another schema, or not one at all.</exception>
    public static StateSnapshot FromJson(ReadOnlySpan<byte> json)
    {
        var schema = JsonSerializer.Deserialize(json, StateJsonContext.Default.SchemaOnly)?.Schema
            ?? throw new JsonException("not a StarterHost state");
        if (!Readable(schema))
            throw new JsonException($"state schema {schema} is not one this StarterHost reads (it reads {CurrentSchema})");
        return JsonSerializer.Deserialize(json, StateJsonContext.Default.StateSnapshot) ?? throw new JsonException("not a StarterHost state");
    }

    // ImmutableArray compares by reference; two snapshots are equal when they hold the same.
    public bool Equals(StateSnapshot? other) =>
        other is not null && Schema == other.Schema && State.Equals(other.State) && Timers.SequenceEqual(other.Timers);

    public override int GetHashCode() => HashCode.Combine(Schema, Timers.Length);
}

/// <summary>
/// An armed timer: the event it delivers, and when, in microseconds of CLOCK_MONOTONIC, which an exec keeps
/// (a delay would be off by the time the exec took).
/// </summary>
internal sealed record ArmedTimer(StarterEvent Event, long DueMonotonicMicroseconds);

/// <summary>What a reader looks at first: the version, before it reads anything else.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record SchemaOnly(int Schema);

[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(StateSnapshot))]
[JsonSerializable(typeof(SchemaOnly))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
