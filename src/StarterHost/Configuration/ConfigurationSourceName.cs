using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace StarterHost.Configuration;

/// <summary>Where a configuration key came from, in the words a user would look for it under.</summary>
internal static class ConfigurationSourceName
{
    public static string Of(IConfigurationProvider provider, string key) => provider switch
    {
        FileConfigurationProvider file => file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? "").PhysicalPath ?? file.Source.Path ?? "a file",
        EnvironmentVariablesConfigurationProvider => $"environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
        CommandLineConfigurationProvider => $"command line --{key}",
        MemoryConfigurationProvider when LegacyEnvironment.VariableFor(key) is { } variable => $"environment variable {variable}",
        _ => provider.ToString() ?? provider.GetType().Name,
    };
}
