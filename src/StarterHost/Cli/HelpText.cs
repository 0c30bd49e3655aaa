using StarterHost.Configuration;
using static StarterHost.Configuration.StarterOptions;

namespace StarterHost.Cli;

/// <summary>
/// --help, and through help2man the man page (see deploy/release): one source for both. The options are listed from
/// their declarations (<see cref="StarterOptions.Declared"/>), in two columns: the option and its value, then its
/// description from <see cref="DescriptionColumn"/>, broken where the declaration breaks it; an option too wide for
/// its column has the description on the next line. No line is wider than <see cref="Width"/>.
/// </summary>
internal static class HelpText
{
    public const int DescriptionColumn = 37;
    public const int Width = 100;

    public static readonly string Usage = $$"""
        Usage: starterhost [options] -- server-prog server-arg1 server-arg2 ...
          or:  starterhost {{RestartOption}} {{PidFileOption}}=FILE {{StatusFileOption}}=FILE [{{TimeoutOption}}=SECONDS]
          or:  starterhost {{ReloadOption}} {{PidFileOption}}=FILE {{StatusFileOption}}=FILE [{{TimeoutOption}}=SECONDS]
          or:  starterhost {{StopOption}} {{PidFileOption}}=FILE [{{TimeoutOption}}=SECONDS]
          or:  starterhost {{StatusOption}} {{StatusJsonOption}}=FILE

        A superdaemon for hot-deploying server programs, compatible with start_server: it binds the
        ports and unix sockets once, runs the server program with them inherited, and on SIGHUP
        starts a new generation before it tells the old one to finish.

        Options:
        {{string.Join('\n', Declared.SelectMany(Lines))}}

        Configuration:
          Each option --some-name=VALUE (but {{ConfigOption}}, {{RestartOption}}, {{ReloadOption}}, {{StopOption}}, {{UpgradeOption}}, {{StatusOption}},
          {{HelpOption}} and {{VersionOption}}) is also the key Starter:SomeName, --no-some-name is
          Starter:SomeName=false, and the server program is {{CommandOption.Setting}}, a list. Sources, later
          wins: appsettings.json and appsettings.{DOTNET_ENVIRONMENT}.json in the working directory, the
          {{ConfigOption}} files, Starter__SomeName environment variables, --Starter:SomeName=VALUE arguments,
          the options.

        Signals:
          HUP starts a new generation; TERM sends {{SignalOnTermOption}} to every worker, waits for them
          and exits; INT does the same with TERM; USR1 reopens {{LogFileOption}}; USR2 upgrades StarterHost
          itself in place: the file it was started from is executed again in the same process, and the
          workers serve on ({{UpgradeOption}} sends it and waits).

        Examples:
          Serve app.psgi on port 8080, then start a new generation and stop:

          starterhost {{PortOption}}=8080 {{PidFileOption}}=app.pid {{StatusFileOption}}=app.status -- plackup app.psgi

          starterhost {{RestartOption}} {{PidFileOption}}=app.pid {{StatusFileOption}}=app.status {{TimeoutOption}}=60

          starterhost {{StopOption}} {{PidFileOption}}=app.pid
        """;

    /// <summary>The options the "Configuration:" paragraph names as having no key.</summary>
    public static readonly Option[] WithoutKey = [ConfigOption, RestartOption, ReloadOption, StopOption, UpgradeOption, StatusOption, HelpOption, VersionOption];

    /// <summary>An option's lines in the "Options:" list; none for one that has no help line.</summary>
    private static IEnumerable<string> Lines(Option option)
    {
        if (option.Help is not { } help)
            yield break;
        string left = $"  {Placeholder(option)}";
        if (left.Length + 2 > DescriptionColumn)
        {
            yield return left;
            left = "";
        }
        string[] text = Description(option, help);
        yield return left.PadRight(DescriptionColumn) + text[0];
        foreach (string line in text[1..])
            yield return new string(' ', DescriptionColumn) + line;
    }

    /// <summary>"--port=PORT", "--log-file=FILE, --log-file="| COMMAND"", "--daemonize": the left column.</summary>
    public static string Placeholder(Option option) => option.Help switch
    {
        { Value: { } value, OtherValue: { } other } => $"{option}={value}, {option}={other}",
        { Value: { } value } => $"{option}={value}",
        _ => option.Cli,
    };

    /// <summary>
    /// The description's lines, with the environment variable that also gives the option: in the last parenthesis
    /// ("(default 360, or AUTO_RESTART_INTERVAL)"), or in one of its own, on a line of its own when it does not fit.
    /// </summary>
    private static string[] Description(Option option, HelpLine help)
    {
        string[] lines = help.Text.Split('\n');
        if (option.LegacyVariable is not { } variable)
            return lines;
        string last = lines[^1];
        if (last.EndsWith(')'))
            lines[^1] = $"{last[..^1]}, or {variable})";
        else if (DescriptionColumn + last.Length + $" (or {variable})".Length <= Width)
            lines[^1] = $"{last} (or {variable})";
        else
            lines = [.. lines, $"(or {variable})"];
        return lines;
    }
}
