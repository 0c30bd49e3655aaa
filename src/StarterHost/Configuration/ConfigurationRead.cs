namespace StarterHost.Configuration;

/// <summary>The configuration files read, as the start-up line and some errors name them.</summary>
internal sealed record ConfigurationRead(string Files);
