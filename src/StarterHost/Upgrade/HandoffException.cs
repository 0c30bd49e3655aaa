namespace StarterHost.Upgrade;

/// <summary>The state handed across an upgrade cannot be taken: the message says why, in one line.</summary>
internal sealed class HandoffException(string message) : Exception(message);
