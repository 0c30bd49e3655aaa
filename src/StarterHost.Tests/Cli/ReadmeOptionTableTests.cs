using StarterHost.Cli;
using StarterHost.Configuration;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Cli;

/// <summary>
/// README's option table is the declarations' (<see cref="StarterOptions.Declared"/>), row for row: the option as
/// --help shows it, the key, and README's description with the environment variable start_server also reads. After
/// changing a declaration, regenerate it: <c>STARTERHOST_UPDATE_README=1 dotnet test --filter ReadmeOptionTable</c>.
/// </summary>
public sealed class ReadmeOptionTableTests
{
    private const string Header = "| option | key | meaning |";
    private const string UpdateVariable = "STARTERHOST_UPDATE_README";

    private static string ReadmePath => Path.Combine(Repository.Root, "README.md");

    /// <summary>The table, header included, as the declarations make it.</summary>
    public static IEnumerable<string> Table()
    {
        yield return Header;
        yield return "|---|---|---|";
        foreach (var option in StarterOptions.Declared)
            yield return Row(Cell(OptionColumn(option)), KeyColumn(option), Meaning(option));
    }

    private static string Row(params string[] cells) => $"| {string.Join(" | ", cells)} |".Replace("|  |", "| |", StringComparison.Ordinal);

    private static string Cell(string code) => $"`{code.Replace("|", "\\|", StringComparison.Ordinal)}`";

    private static string OptionColumn(Option option) => option.Name is null ? "-- command args…" : HelpText.Placeholder(option);

    private static string KeyColumn(Option option) => option switch
    {
        { Key: null } => "",
        ListOption => $"`{option.Key}` (list)",
        SwitchOption { Negated: true } => $"`{option.Key}` (`false`)",
        _ => $"`{option.Key}`",
    };

    /// <summary>The description, with the variable in its last parenthesis ("(default 360; env `AUTO_RESTART_INTERVAL`)") or one of its own.</summary>
    private static string Meaning(Option option)
    {
        string text = option.Description ?? option.Help!.Text.Replace('\n', ' ');
        if (option.LegacyVariable is not { } variable)
            return text;
        return text.EndsWith(')') ? $"{text[..^1]}; env `{variable}`)" : $"{text} (env `{variable}`)";
    }

    [Fact]
    public void TheTableIsTheDeclarations()
    {
        string[] readme = File.ReadAllLines(ReadmePath);
        int start = Array.IndexOf(readme, Header);
        Assert.True(start >= 0, $"README.md has no line \"{Header}\"");
        int end = Array.IndexOf(readme, "", start);
        string[] expected = [.. Table()];
        if (System.Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllLines(ReadmePath, [.. readme[..start], .. expected, .. readme[end..]]);
            return;
        }
        Assert.True(expected.SequenceEqual(readme[start..end]),
            $"README.md's option table differs from the declarations in StarterOptions.cs; regenerate it with {UpdateVariable}=1 dotnet test --filter ReadmeOptionTable. Expected:\n{string.Join('\n', expected)}");
    }
}
