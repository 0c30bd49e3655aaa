namespace StarterHost.Client;

/// <summary>A client mode (--restart, --stop) that could not do its job; the message says why.</summary>
internal sealed class ClientFailure(string message) : Exception(message);
