using StarterHost.Cli;
using StarterHost.Configuration;

namespace StarterHost.Tests.Cli;

/// <summary>--help (and the man page made from it) lists every option, aligned, and its promise about keys holds.</summary>
public sealed class HelpTextTests
{
    private const int DescriptionColumn = 37;
    private static readonly string[] WithoutKey = ["config", "restart", "reload", "stop", "status", "help", "version"];

    private static string[] OptionLines()
    {
        string[] lines = HelpText.Usage.Split('\n');
        int start = Array.IndexOf(lines, "Options:") + 1;
        return lines[start..Array.IndexOf(lines, "", start)];
    }

    [Fact]
    public void EveryOptionIsListed()
    {
        var listed = OptionLines().Where(l => l.StartsWith("  --", StringComparison.Ordinal)).ToList();
        foreach (string option in StartServerCommandLine.OptionNames)
            Assert.Contains(listed, l => l.StartsWith($"  --{option}=", StringComparison.Ordinal) || l.StartsWith($"  --{option} ", StringComparison.Ordinal));
    }

    [Fact]
    public void DescriptionsStartInOneColumnAndNoLineIsWiderThan100()
    {
        foreach (string line in HelpText.Usage.Split('\n'))
            Assert.True(line.Length <= 100, $"{line.Length} characters: {line}");
        foreach (string line in OptionLines())
        {
            if (line.StartsWith("  --", StringComparison.Ordinal) && line.IndexOf("  ", 2, StringComparison.Ordinal) < 0)
                continue; // an option too long to share its line: the description follows on the next
            Assert.True(line.Length > DescriptionColumn && line[DescriptionColumn] != ' ' && line[(DescriptionColumn - 2)..DescriptionColumn] == "  ", $"not aligned: {line}");
        }
    }

    [Fact]
    public void EachOptionWithAKeyNamesARealSetting()
    {
        var settings = typeof(StarterOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (string option in StartServerCommandLine.OptionNames.Except(WithoutKey))
        {
            string name = option.StartsWith("no-", StringComparison.Ordinal) ? option[3..] : option;
            string key = string.Concat(name.Split('-').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));
            Assert.True(settings.Contains(key), $"--{option}: --help promises Starter:{key}, which is not a setting");
        }
    }
}
