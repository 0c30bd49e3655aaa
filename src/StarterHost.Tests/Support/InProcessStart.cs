using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarterHost.Cli;
using StarterHost.Configuration;
using StarterHost.Hosting;
using StarterHost.Logging;

namespace StarterHost.Tests.Support;

/// <summary>
/// StarterHost's start-up as Program.cs runs it up to the point where bad input is refused (parse the command line,
/// build the host, resolve the options: configuration files, SettingsCheck, binding, every validator), in this
/// process, with the environment and working directory given: what a launched StarterHost would refuse to start
/// with, in the line it would print, without a process per row.
/// </summary>
internal sealed record InProcessStart(StarterOptions? Options, CliMode Mode, string? Refusal)
{
    /// <summary>PATH unless the row gives one: the rows name it in "command not found" lines.</summary>
    public const string DefaultPath = "/usr/bin:/bin";

    public static InProcessStart Run(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? directory = null)
    {
        var variables = new Hashtable { ["PATH"] = DefaultPath };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            variables[name] = value;
        var mode = CliMode.Serve;
        try
        {
            var commandLine = StartServerCommandLine.Parse([.. args]);
            mode = commandLine.Mode;
            if (mode is CliMode.Help or CliMode.Version)
                return new(null, mode, null); // Program.cs prints and exits before it reads any configuration
            var world = new StartupWorld(variables, directory ?? Path.GetTempPath(), new VariablesSource(variables));
            // Nothing is logged before the options resolve, and a LogSink holds what is until start-up ends.
            using var host = StarterHostBuilder.Create(commandLine, new LogSink(2), world).Build();
            return new(host.Services.GetRequiredService<IOptions<StarterOptions>>().Value, mode, null);
        }
        catch (Exception e)
        {
            return new(null, mode, FailureText.Of(e));
        }
    }

    /// <summary>Refused: the line, as StarterHost prints it after "starterhost: ".</summary>
    public void AssertRefused(string line) => Assert.Equal(line, Refusal);

    /// <summary>Accepted: the options as bound and checked.</summary>
    public StarterOptions AssertAccepted()
    {
        Assert.True(Refusal is null, Refusal);
        return Options!;
    }

    /// <summary>Starter__* variables from a dictionary, read as the environment provider reads the process's ("__" is ':').</summary>
    private sealed class VariablesSource(IDictionary variables) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(variables);

        // The type of the real one, so that errors name "environment variable Starter__Port" as they do for it.
        private sealed class Provider(IDictionary variables) : EnvironmentVariablesConfigurationProvider
        {
            public override void Load()
            {
                var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry entry in variables)
                    data[((string)entry.Key).Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = entry.Value as string;
                Data = data;
            }
        }
    }
}
