using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using StarterHost.Cli;
using StarterHost.Configuration;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Configuration;

/// <summary>
/// Every declared option, through the start-up Program.cs runs (in-process, <see cref="InProcessStart"/>): its range
/// ends, a value of the wrong type on the command line and as a key, a typo of its name; and each declaration is wired
/// to its own property. The rows come from <see cref="StarterOptions.Declared"/>; what each must say comes from the
/// property's type, so that a declaration of the wrong kind fails here.
/// </summary>
public sealed class DeclaredOptionTests
{
    private static IEnumerable<Option> Declared => StarterOptions.Declared;

    private static Option Named(string name) => Declared.Single(o => o.Name == name);

    private static Option Keyed(string key) => Declared.Single(o => o.Key == key);

    private static PropertyInfo Property(Option option) => typeof(StarterOptions).GetProperty(option.Key!)!;

    private static Type TypeOf(Option option) => Nullable.GetUnderlyingType(Property(option).PropertyType) ?? Property(option).PropertyType;

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static InProcessStart Start(params string[] args) => InProcessStart.Run([.. args, "--", "true"]);

    [Fact]
    public void EveryPropertyIsDeclaredOnceAndEveryDeclarationIsListed()
    {
        var properties = typeof(StarterOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order();
        Assert.Equal(properties, Declared.Where(o => o.Key is not null).Select(o => o.Key!).Order());
        var fields = typeof(StarterOptions).GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => typeof(Option).IsAssignableFrom(f.FieldType)).Select(f => (Option)f.GetValue(null)!);
        Assert.Equal(fields.ToHashSet(), Declared.ToHashSet());
        Assert.Equal(Declared.Count(), Declared.Distinct().Count());
        Assert.Equal(Declared.Count(o => o.Name is not null), Declared.Where(o => o.Name is not null).Select(o => o.Name).Distinct().Count());
    }

    public static TheoryData<string> RangedNames() => [.. Declared.Where(o => o is NumberOption or WholeOption).Select(o => o.Name!)];

    private static OptionRange RangeOf(Option option) => option switch
    {
        NumberOption number => number.Range,
        WholeOption whole => whole.Range,
        _ => throw new ArgumentException($"{option} has no range"),
    };

    [Theory]
    [MemberData(nameof(RangedNames))]
    public void TheDefaultIsInTheRange(string name)
    {
        var option = Named(name);
        if (Property(option).GetValue(new StarterOptions()) is { } value)
            Assert.True(RangeOf(option).Contains(Convert.ToDouble(value, CultureInfo.InvariantCulture)), $"{option}'s default {value}");
    }

    [Theory]
    [MemberData(nameof(RangedNames))]
    public void BothEndsOfTheRangeAreTakenFromTheCommandLineAndAsAKey(string name)
    {
        var option = Named(name);
        foreach (double end in new[] { RangeOf(option).Minimum, RangeOf(option).Maximum })
        {
            foreach (string arg in new[] { $"{option}={Text(end)}", $"--{option.Setting}={Text(end)}" })
            {
                var options = Start(arg).AssertAccepted();
                Assert.Equal(end, Convert.ToDouble(Property(option).GetValue(options), CultureInfo.InvariantCulture));
            }
        }
    }

    [Theory]
    [MemberData(nameof(RangedNames))]
    public void PastEitherEndIsRefusedWithTheRange(string name)
    {
        var option = Named(name);
        var range = RangeOf(option);
        double below = range.Minimum - 1;
        if (option is WholeOption { ZeroKeepsConfigured: true })
        {
            // Server::Starter: --backlog=0 is the default, not a value below the range.
            Assert.Equal(Property(option).GetValue(new StarterOptions()), Property(option).GetValue(Start($"{option}=0").AssertAccepted()));
            below = -1;
        }
        foreach (double past in new[] { below, range.Maximum + 1 })
        {
            string expected = $"{option.Setting}={Text(past)} ({{0}}) is out of range: expected {Text(range.Minimum)} to {Text(range.Maximum)}";
            Start($"{option}={Text(past)}").AssertRefused(string.Format(CultureInfo.InvariantCulture, expected, option));
            // A whole number past int's range is refused as the key is read, a number in it by the validator.
            bool pastInt = option is WholeOption && (past > int.MaxValue || past < int.MinValue);
            Start($"--{option.Setting}={Text(past)}").AssertRefused(
                string.Format(CultureInfo.InvariantCulture, expected, pastInt ? $"in command line --{option.Setting}" : option.ToString()));
        }
    }

    public static TheoryData<string> Names() => [.. Declared.Where(o => o.Name is not null).Select(o => o.Name!)];

    public static TheoryData<string> Keys() => [.. Declared.Where(o => o.Key is not null).Select(o => o.Key!)];

    [Theory]
    [MemberData(nameof(Names))]
    public void AValueOfTheWrongTypeOnTheCommandLineIsRefusedAsGetoptLongWould(string name)
    {
        var option = Named(name);
        if (option == StarterOptions.StatusOption)
        {
            // Server::Starter: "--status=FILE" is --status-file, which it abbreviated before --status was a mode.
            Assert.Equal("yes", Start($"{option}=yes").AssertAccepted().StatusFile);
            return;
        }
        if (!option.TakesValue)
        {
            Start($"{option}=yes").AssertRefused($"Option {name} does not take an argument");
            return;
        }
        InProcessStart.Run([option.Cli]).AssertRefused($"Option {name} requires an argument");
        if (option.Key is null)
            return;
        var type = TypeOf(option);
        if (type == typeof(double))
            Start($"{option}=soon").AssertRefused($"Value \"soon\" invalid for option {name} (number expected)");
        else if (type == typeof(int) && option is WholeOption { WholeOnCommandLine: true })
            Start($"{option}=2.5").AssertRefused($"Value \"2.5\" invalid for option {name} (integer expected)");
        else if (type == typeof(int))
        {
            // start_server's counts took any number, truncated.
            Start($"{option}=soon").AssertRefused($"Value \"soon\" invalid for option {name} (number expected)");
            Assert.Equal(2, Property(option).GetValue(Start($"{option}=2.5").AssertAccepted()));
        }
        else if (type.IsEnum)
            Start($"{option}=sideways").AssertRefused($"Value \"sideways\" invalid for option {name} ({Choices(type)} expected)");
    }

    private static string Choices(Type enumType) => string.Join(" or ", Enum.GetNames(enumType).Select(n => n.ToLowerInvariant()));

    [Theory]
    [MemberData(nameof(Keys))]
    public void AValueOfTheWrongTypeAsAKeyIsRefusedWithWhatWasExpected(string key)
    {
        var option = Keyed(key);
        var type = TypeOf(option);
        string source = $"in command line --{option.Setting}";
        if (type == typeof(List<string>))
        {
            Start($"--{option.Setting}:web=x").AssertRefused($"{option.Setting}:web ({source}:web): expected a list of strings");
            return;
        }
        string expected = type == typeof(double) ? "a number"
            : type == typeof(int) ? "a whole number"
            : type == typeof(bool) ? "true or false"
            : type.IsEnum ? Choices(type)
            : "a string";
        Start($"--{option.Setting}:0=x").AssertRefused($"{option.Setting} ({source}) is a list or an object: expected {expected}");
        string? wrong = type == typeof(double) ? "soon" : type == typeof(int) ? "1.5" : type == typeof(bool) ? "yes" : type.IsEnum ? "sideways" : null;
        if (wrong is not null)
            Start($"--{option.Setting}={wrong}").AssertRefused($"{option.Setting}={wrong} ({source}): expected {expected}");
    }

    /// <summary>A letter doubled in the middle: one edit away, and a prefix of no option.</summary>
    private static string Typo(string name) => name.Insert(name.Length / 2, name[name.Length / 2].ToString());

    [Theory]
    [MemberData(nameof(Names))]
    public void ATypoOfTheNameIsRefusedWithTheName(string name)
    {
        string typo = Typo(name);
        Assert.DoesNotContain(Declared, o => o.Name?.StartsWith(typo, StringComparison.Ordinal) == true);
        Start($"--{typo}=1").AssertRefused($"Unknown option: {typo}; did you mean --{name}?");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void ATypoOfTheKeyIsRefusedWithTheKey(string key)
    {
        string typo = $"{StarterOptions.SectionName}:{Typo(key)}";
        Start($"--{typo}=1").AssertRefused($"unknown setting {typo} (in command line --{typo}); did you mean {Keyed(key).Setting}?");
    }

    /// <summary>A value unlike the default, of the property's type, as the command line and configuration write it.</summary>
    private static (string Written, object Value)? Sample(Option option)
    {
        var type = TypeOf(option);
        object? initial = Property(option).GetValue(new StarterOptions());
        if (type == typeof(double))
            return ("7.5", 7.5);
        if (type == typeof(int))
            return ("7", 7);
        if (type == typeof(string))
            return ($"sample {option.Key}", $"sample {option.Key}");
        if (type == typeof(bool))
            return (initial is true ? "false" : "true", initial is not true);
        if (type.IsEnum)
        {
            var last = Enum.GetValues(type).Cast<object>().Last();
            Assert.NotEqual(initial, last);
            return (last.ToString()!.ToLowerInvariant(), last);
        }
        return null;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void EachKeyBindsItsOwnProperty(string key)
    {
        var option = Keyed(key);
        var section = new ConfigurationBuilder().AddInMemoryCollection(TypeOf(option) == typeof(List<string>)
            ? new Dictionary<string, string?> { [$"{option.Setting}:0"] = "a", [$"{option.Setting}:1"] = "b" }
            : new Dictionary<string, string?> { [option.Setting] = Sample(option)!.Value.Written }).Build().GetSection(StarterOptions.SectionName);
        var bound = new StarterOptions();
        foreach (var each in Declared)
            each.Bind(section, bound);
        object? expected = TypeOf(option) == typeof(List<string>) ? new List<string> { "a", "b" } : Sample(option)!.Value.Value;
        Assert.Equal(expected, Property(option).GetValue(bound));
        // And nothing else changed.
        foreach (var other in Declared.Where(o => o.Key is not null && o != option))
            Assert.Equal(Property(other).GetValue(new StarterOptions()), Property(other).GetValue(bound));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EachOptionOfTheCommandLineSetsItsOwnProperty(string name)
    {
        var option = Named(name);
        if (option.Key is null)
            return; // a mode or --config: the parser acts on it (StatusOptionsTests, SocketAndIdentityOptionsTests)
        var parsed = new StarterOptions();
        string[] args = option switch
        {
            ListOption => [$"{option}=a", $"{option}=b"],
            SwitchOption => [option.Cli],
            _ => [$"{option}={Sample(option)!.Value.Written}"],
        };
        StartServerCommandLine.Parse(args).ApplyTo(parsed);
        object? expected = option switch
        {
            ListOption => new List<string> { "a", "b" },
            SwitchOption { Negated: var negated } => !negated,
            _ => Sample(option)!.Value.Value,
        };
        Assert.Equal(expected, Property(option).GetValue(parsed));
        foreach (var other in Declared.Where(o => o.Key is not null && o != option))
            Assert.Equal(Property(other).GetValue(new StarterOptions()), Property(other).GetValue(parsed));
    }
}
