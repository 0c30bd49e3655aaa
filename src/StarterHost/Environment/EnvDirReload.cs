using Microsoft.Extensions.Logging;
using StarterHost.Generations;
using StarterHost.Logging;

namespace StarterHost.Environment;

/// <summary>
/// What the envdir said when it was read again: its <paramref name="Variables"/> (null without an envdir, or when it
/// could not be read), and the <paramref name="Settings"/> they give with StarterHost's own environment.
/// </summary>
internal sealed record EnvDirSnapshot(IReadOnlyDictionary<string, string>? Variables, RuntimeSettings Settings);

/// <summary>
/// The envdir, read again before each spawn and each check, as start_server reads it at each restart. A directory
/// that cannot be read adds nothing (Server::Starter), and is said each time; a file skipped for its name is said
/// once, when it first is.
/// </summary>
internal sealed class EnvDirReload(WorkerEnvironment environment, ILogger logger)
{
    private IReadOnlyList<string> _skipped = [];
    private EnvDirSnapshot? _withoutEnvDir;

    public EnvDirSnapshot Read()
    {
        // Without an envdir nothing changes between spawns: the settings are composed once.
        if (environment.EnvDir is null)
            return _withoutEnvDir ??= new EnvDirSnapshot(null, environment.SettingsFrom(environment.Compose(null)));
        var variables = ReadVariables();
        return new EnvDirSnapshot(variables, environment.SettingsFrom(environment.Compose(variables)));
    }

    private IReadOnlyDictionary<string, string>? ReadVariables()
    {
        if (environment.EnvDir is not { } dir)
            return null;
        try
        {
            var contents = EnvDirReader.Read(dir);
            if (!contents.Skipped.SequenceEqual(_skipped))
            {
                foreach (string file in contents.Skipped.Except(_skipped))
                    Log.EnvDirEntrySkipped(logger, file);
                _skipped = contents.Skipped;
            }
            return contents.Variables;
        }
        catch (IOException e)
        {
            Log.EnvDirUnreadable(logger, dir, e.Message);
            return null;
        }
    }
}
