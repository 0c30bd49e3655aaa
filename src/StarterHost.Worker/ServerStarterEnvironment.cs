using System.Globalization;

namespace StarterHost.Worker;

/// <summary>The environment variables a superdaemon (StarterHost, start_server) sets for its workers.</summary>
public static class ServerStarterEnvironment
{
    /// <summary>The listening sockets: <c>key=fd</c> pairs joined by <c>;</c>.</summary>
    public const string PortVariable = "SERVER_STARTER_PORT";

    /// <summary>The worker's generation: 1 for the first worker, one more for each restart.</summary>
    public const string GenerationVariable = "SERVER_STARTER_GENERATION";

    /// <summary>StarterHost: the worker's slot in its generation, 0 to <c>--workers</c> - 1, stable across restarts.</summary>
    public const string WorkerVariable = "SERVER_STARTER_WORKER";

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

    /// <summary>
    /// The slot from <c>SERVER_STARTER_WORKER</c> (StarterHost's <c>--workers</c>), or null when it is not set
    /// (start_server, or a worker started by hand).
    /// </summary>
    public static int? Worker =>
        int.TryParse(Environment.GetEnvironmentVariable(WorkerVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int slot)
            ? slot
            : null;
}
