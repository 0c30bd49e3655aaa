using System.Globalization;
using System.Text;
using System.Text.Unicode;
using StarterHost.Interop;

namespace StarterHost.Upgrade;

/// <summary>
/// The state an upgrade in place hands to the new image: a schema version and UTF-8 JSON, in a sealed memfd whose
/// number the new image finds in <see cref="Variable"/>. A memfd, so that nothing touches the disk and nothing is left
/// behind whatever happens to the exec; sealed, so that the new image reads exactly what the old one wrote.
/// The contents: a header line "starterhost-state VERSION LENGTH\n", then LENGTH bytes of JSON. The header makes a
/// truncated or foreign payload fail here, in one line, and "cat /proc/PID/fd/N" shows what was handed over.
/// </summary>
internal static class StateHandoff
{
    /// <summary>The environment variable that carries the memfd's number into the new image.</summary>
    public const string Variable = "STARTERHOST_UPGRADE_STATE_FD";

    /// <summary>The memfd's name, as /proc/PID/fd shows it ("/memfd:starterhost-state (deleted)").</summary>
    public const string MemfdName = "starterhost-state";

    private const string Magic = "starterhost-state";

    /// <summary>
    /// A sealed, close-on-exec memfd holding <paramref name="json"/> under <paramref name="schemaVersion"/>. Its
    /// FD_CLOEXEC is cleared with the other kept descriptors just before the exec, so that a failed upgrade leaks nothing.
    /// </summary>
    public static int Write(int schemaVersion, ReadOnlySpan<byte> json)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(schemaVersion);
        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Magic} {schemaVersion} {json.Length}\n"));
        byte[] contents = new byte[header.Length + json.Length];
        header.CopyTo(contents, 0);
        json.CopyTo(contents.AsSpan(header.Length));
        return Posix.CreateSealedMemfd(MemfdName, contents);
    }

    /// <summary>
    /// In the new image: the state handed over, or null on an ordinary start (no <see cref="Variable"/>). Either way the
    /// variable is gone afterwards, so no worker inherits it; the memfd is closed once read.
    /// </summary>
    public static (int SchemaVersion, byte[] Json)? Take()
    {
        if (System.Environment.GetEnvironmentVariable(Variable) is not { } text)
            return null;
        System.Environment.SetEnvironmentVariable(Variable, null);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
            throw new HandoffException($"{Variable} is \"{text}\", not a descriptor number");
        try
        {
            return Read(fd);
        }
        finally
        {
            if (Posix.IsOpen(fd))
                Posix.Close(fd);
        }
    }

    /// <summary>The state in the sealed memfd at <paramref name="fd"/>; anything else is refused with a <see cref="HandoffException"/>.</summary>
    public static (int SchemaVersion, byte[] Json) Read(int fd)
    {
        byte[] contents;
        try
        {
            contents = Posix.ReadSealedMemfd(fd, MemfdName);
        }
        catch (Exception e) when (e is InvalidDataException or PosixException)
        {
            throw new HandoffException($"the upgrade state cannot be read: {e.Message}");
        }
        return Parse(contents, fd);
    }

    private static (int SchemaVersion, byte[] Json) Parse(byte[] contents, int fd)
    {
        int newline = Array.IndexOf(contents, (byte)'\n', 0, Math.Min(contents.Length, 64));
        string[] header = newline < 0 ? [] : Encoding.ASCII.GetString(contents, 0, newline).Split(' ');
        if (header is not [Magic, var versionText, var lengthText])
            throw Malformed(fd, $"it does not start with a \"{Magic} VERSION LENGTH\" line");
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version == 0)
            throw Malformed(fd, $"its schema version \"{versionText}\" is not a positive number");
        if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out int length))
            throw Malformed(fd, $"its length \"{lengthText}\" is not a number");
        int held = contents.Length - newline - 1;
        if (held != length)
            throw Malformed(fd, $"it says {length} bytes of JSON but holds {held}");
        byte[] json = contents[(newline + 1)..];
        if (!Utf8.IsValid(json))
            throw Malformed(fd, "its JSON is not UTF-8");
        return (version, json);
    }

    private static HandoffException Malformed(int fd, string why) =>
        new($"the upgrade state in fd {fd} is malformed: {why}");
}
