using Microsoft.Extensions.Configuration;

namespace StarterHost.Configuration;

/// <summary>
/// The JSON files the configuration is read from, later wins: appsettings.json, then
/// appsettings.{Environment}.json, in the working directory when they exist; then each --config file,
/// in the order given, which must exist.
/// </summary>
internal static class ConfigurationFiles
{
    /// <summary>Adds the files to <paramref name="configuration"/>; returns the full paths of those read.</summary>
    /// <exception cref="StartupException">A --config file is missing, or a file cannot be read or parsed.</exception>
    public static IReadOnlyList<string> Add(IConfigurationBuilder configuration, string directory, string environmentName, IReadOnlyList<string> configFiles)
    {
        var read = new List<string>();
        foreach (string name in new[] { "appsettings.json", $"appsettings.{environmentName}.json" })
        {
            string path = System.IO.Path.Combine(directory, name);
            if (!File.Exists(path))
                continue;
            AddJson(configuration, path, name);
            read.Add(path);
        }
        foreach (string given in configFiles)
        {
            string path = System.IO.Path.GetFullPath(given, directory);
            if (Directory.Exists(path))
                throw new StartupException($"{StarterOptions.ConfigOption}={given}: Is a directory");
            if (!File.Exists(path))
                throw new StartupException($"{StarterOptions.ConfigOption}={given}: No such file or directory");
            AddJson(configuration, path, $"{StarterOptions.ConfigOption}={given}");
            read.Add(path);
        }
        return read;
    }

    /// <summary>"none (no appsettings.json in /srv)", or the files read, for the start-up line and error messages.</summary>
    public static string Describe(IReadOnlyList<string> read, string directory) =>
        read.Count == 0 ? $"none (no appsettings.json in {directory})" : string.Join(", ", read);

    private static void AddJson(IConfigurationBuilder configuration, string path, string shown)
    {
        try
        {
            // Loaded here and now (the builder is a ConfigurationManager), so errors surface here.
            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }
        catch (InvalidDataException e)
        {
            throw new StartupException(JsonErrorText.Describe(path, e));
        }
        catch (UnauthorizedAccessException)
        {
            throw new StartupException($"{shown}: cannot read {path}: Permission denied");
        }
        catch (IOException e)
        {
            throw new StartupException($"{shown}: cannot read {path}: {e.Message}");
        }
    }
}
