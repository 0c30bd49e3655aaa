using System.Globalization;

namespace StarterHost.Worker;

/// <summary>The environment variables a superdaemon (StarterHost, start_server) sets for its workers.</summary>
public static class ServerStarterEnvironment
{
    /// <summary>The listening sockets: <c>key=fd</c> pairs joined by <c>;</c>.</summary>
    public const string PortVariable = "SERVER_STARTER_PORT";

    /// <summary>The worker's generation: 1 for the first worker, one more for each restart.</summary>
    public const string GenerationVariable = "SERVER_STARTER_GENERATION";

    /// <summary>True when this process runs under a superdaemon, i.e. <c>SERVER_STARTER_PORT</c> is set.</summary>
    public static bool IsPresent => Environment.GetEnvironmentVariable(PortVariable) is not null;

    /// <summary>
    /// The generation from <c>SERVER_STARTER_GENERATION</c>, or null when it is not set or not a number
    /// (a worker started by hand).
    /// </summary>
    public static int? Generation =>
        int.TryParse(Environment.GetEnvironmentVariable(GenerationVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int generation)
            ? generation
            : null;
}
