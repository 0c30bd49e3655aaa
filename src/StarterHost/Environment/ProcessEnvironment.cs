using System.Collections;
using System.Text;
using StarterHost.Interop;

namespace StarterHost.Environment;

/// <summary>
/// StarterHost's own environment, which workers inherit: .NET's view of it, with each variable whose name or value
/// was not UTF-8 (which .NET shows with U+FFFD in place of each bad byte) restored to its bytes from
/// /proc/self/environ (see <see cref="EscapedUtf8"/>), as start_server passes them on.
/// </summary>
internal static class ProcessEnvironment
{
    public static IDictionary Read()
    {
        var environment = System.Environment.GetEnvironmentVariables();
        if (!environment.Cast<DictionaryEntry>().Any(e => Mangled(e.Key) || Mangled(e.Value)))
            return environment;
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes("/proc/self/environ");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return environment;
        }
        foreach (var entry in ((ReadOnlySpan<byte>)raw).Split((byte)0))
        {
            var variable = raw.AsSpan(entry);
            int equals = variable.IndexOf((byte)'=');
            if (equals <= 0)
                continue;
            var name = variable[..equals];
            var value = variable[(equals + 1)..];
            string shownName = Encoding.UTF8.GetString(name), shownValue = Encoding.UTF8.GetString(value);
            // Only a variable .NET shows exactly so, and mangled: one set since, or changed, is left as .NET has it.
            if ((Mangled(shownName) || Mangled(shownValue)) && environment[shownName] is string current && current == shownValue)
            {
                environment.Remove(shownName);
                environment[EscapedUtf8.Decode(name)] = EscapedUtf8.Decode(value);
            }
        }
        return environment;
    }

    private static bool Mangled(object? text) => text is string s && s.Contains('\uFFFD', StringComparison.Ordinal);
}
