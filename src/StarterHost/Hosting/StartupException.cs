namespace StarterHost;

/// <summary>
/// A problem that makes the configuration unusable, found before any worker is spawned.
/// Its message is the whole one-line error shown to the user.
/// </summary>
internal sealed class StartupException(string message) : Exception(message);
