using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using StarterHost.Environment;

namespace StarterHost.Hosting;

/// <summary>
/// What start-up reads besides the arguments: the environment (as a dictionary, and as the configuration source of
/// Starter__* variables) and the working directory, where appsettings.json is looked for.
/// </summary>
internal sealed record StartupWorld(IDictionary Environment, string Directory, IConfigurationSource EnvironmentVariables)
{
    public static StartupWorld OfThisProcess() =>
        new(ProcessEnvironment.Read(), System.IO.Directory.GetCurrentDirectory(), new EnvironmentVariablesConfigurationSource());
}
