using StarterHost.Cli;
using StarterHost.Configuration;

namespace StarterHost.Tests.Cli;

/// <summary>--help (and the man page made from it) lists every option, aligned, and its promise about keys holds.</summary>
public sealed class HelpTextTests
{
    private static string[] OptionLines()
    {
        string[] lines = HelpText.Usage.Split('\n');
        int start = Array.IndexOf(lines, "Options:") + 1;
        return lines[start..Array.IndexOf(lines, "", start)];
    }

    [Fact]
    public void EveryOptionOfTheCommandLineIsListedOnceInItsOrder()
    {
        string[] listed = [.. OptionLines().Where(l => l.StartsWith("  --", StringComparison.Ordinal)).Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[0])];
        string[] named = [.. StarterOptions.Declared.Where(o => o.Name is not null).Select(o => o.Name!)];
        Assert.Equal(named, listed.Select(l => l[2..].Split('=')[0]));
        Assert.Contains("  --port=PORT, HOST:PORT, [V6]:PORT  TCP port to listen on (repeatable); \"u\" before the port", OptionLines());
        Assert.Contains("  --log-file=FILE, --log-file=\"| COMMAND\"", OptionLines());
    }

    [Fact]
    public void DescriptionsStartInOneColumnAndNoLineIsWiderThan100()
    {
        foreach (string line in HelpText.Usage.Split('\n'))
            Assert.True(line.Length <= HelpText.Width, $"{line.Length} characters: {line}");
        foreach (string line in OptionLines())
        {
            if (line.StartsWith("  --", StringComparison.Ordinal) && line.IndexOf("  ", 2, StringComparison.Ordinal) < 0)
                continue; // an option too long to share its line: the description follows on the next
            int column = HelpText.DescriptionColumn;
            Assert.True(line.Length > column && line[column] != ' ' && line[(column - 2)..column] == "  ", $"not aligned: {line}");
        }
    }

    /// <summary>"Each option --some-name=VALUE (but …) is also the key Starter:SomeName, --no-some-name is Starter:SomeName=false".</summary>
    [Fact]
    public void EachOptionIsTheKeyItsNameSaysAndTheOthersAreNamedAsWithoutOne()
    {
        foreach (var option in StarterOptions.Declared.Where(o => o.Name is not null && o.Key is not null))
        {
            bool negated = option.Name!.StartsWith("no-", StringComparison.Ordinal);
            string name = negated ? option.Name[3..] : option.Name;
            string key = string.Concat(name.Split('-').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));
            Assert.True(key.Equals(option.Key, StringComparison.OrdinalIgnoreCase), $"{option}: --help promises Starter:{key}, the key is {option.Setting}");
            Assert.Equal(negated, option is SwitchOption { Negated: true });
        }
        Assert.Equal(StarterOptions.Declared.Where(o => o.Key is null), HelpText.WithoutKey);
        Assert.Contains("(but --config, --restart, --reload, --stop, --upgrade, --status,\n  --help and --version) is also the key", HelpText.Usage);
    }

    [Fact]
    public void AVariableStartServerReadsIsNamedWithItsOption()
    {
        Assert.Contains("  --envdir=DIR                       environment for the workers, re-read at each restart\n"
            + "                                     (or ENVDIR)\n", HelpText.Usage);
        Assert.Contains("  --enable-auto-restart              restart periodically (or ENABLE_AUTO_RESTART)\n", HelpText.Usage);
        Assert.Contains("  --auto-restart-interval=SECONDS    period of auto-restart (default 360, or AUTO_RESTART_INTERVAL)\n", HelpText.Usage);
        Assert.Contains("  --kill-old-delay=SECONDS           wait before signalling old workers (default 0, 5 with\n"
            + "                                     auto-restart, or KILL_OLD_DELAY)\n", HelpText.Usage);
    }
}
