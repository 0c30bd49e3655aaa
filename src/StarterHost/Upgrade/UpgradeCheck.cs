using StarterHost.Generations;
using StarterHost.Hosting;

namespace StarterHost.Upgrade;

/// <summary>
/// <c>--upgrade-check</c>, the new file's side of the preflight: run by the old image as a child, with the state it
/// would hand over in the memfd named by <see cref="StateHandoff.Variable"/>. Prints "starterhost VERSION" and exits
/// 0 when this StarterHost can take that state over (its schema and every field), else one line saying why, and 1.
/// Hidden from --help: only StarterHost runs it.
/// </summary>
internal static class UpgradeCheck
{
    public const string Flag = "--upgrade-check";

    /// <param name="readable">The state schemas this program takes over (a test's stand-in for another version passes its own).</param>
    public static int Run(TextWriter output, Func<int, bool>? readable = null, string? version = null)
    {
        try
        {
            var (schema, json) = StateHandoff.Take()
                ?? throw new HandoffException($"{StateHandoff.Variable} is not set: {Flag} is run by StarterHost itself during an upgrade");
            if (readable is not null && !readable(schema))
                throw new HandoffException($"state schema {schema} is not one this StarterHost reads");
            UpgradeHandoff.FromJson(schema, json, readable);
            output.WriteLine($"starterhost {version ?? ProductVersion.Current}");
            return 0;
        }
        catch (HandoffException e)
        {
            output.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>The version a passing check printed, or null when its output is not a check's.</summary>
    public static string? VersionIn(string lastLine) =>
        lastLine.StartsWith("starterhost ", StringComparison.Ordinal) ? lastLine["starterhost ".Length..].Trim() : null;
}
