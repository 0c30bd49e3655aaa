using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using StarterHost.Worker;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Makes Kestrel listen on the sockets a superdaemon (StarterHost, start_server) hands down.</summary>
public static class ServerStarterWebHostBuilderExtensions
{
    /// <summary>
    /// Listens on every stream socket named in <c>SERVER_STARTER_PORT</c> (TCP, IPv6 and unix sockets alike).
    /// When the variable is not set, configures nothing, so the app listens on its usual URLs
    /// (<c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>Kestrel:Endpoints</c>).
    /// </summary>
    /// <remarks>
    /// Kestrel's graceful shutdown (on SIGTERM) stops accepting, finishes the requests in flight within
    /// <c>HostOptions.ShutdownTimeout</c>, and leaves the inherited sockets open and listening: the next
    /// generation accepts on them meanwhile. Datagram (UDP) sockets are skipped; Kestrel serves streams.
    /// </remarks>
    /// <param name="builder">The web host builder, e.g. <c>WebApplicationBuilder.WebHost</c>.</param>
    /// <param name="configure">Configures each endpoint (protocols, HTTPS, ...); may be null.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="FormatException"><c>SERVER_STARTER_PORT</c> is malformed; thrown when the host is built.</exception>
    /// <exception cref="InvalidOperationException">A named descriptor is not a listening socket; thrown when the host is built.</exception>
    public static IWebHostBuilder ListenServerStarter(this IWebHostBuilder builder, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureKestrel(options => Listen(options, ServerStarterPorts.FromEnvironment(), configure));
    }

    internal static void Listen(KestrelServerOptions options, IReadOnlyList<ServerStarterPort> ports, Action<ListenOptions>? configure)
    {
        foreach (var port in ports)
        {
            // Checked here to name the key and fd in the error; no asynchronous call is made on this
            // wrapper, so Kestrel's own adoption of the descriptor below is its first and only one.
            SocketType type;
            try
            {
                using var socket = port.Adopt();
                type = socket.SocketType;
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{ServerStarterEnvironment.PortVariable} entry {port}: {e.Message}", e);
            }
            if (type != SocketType.Stream)
                continue;
            // Kestrel wraps the fd without owning it: stopping closes nothing and shuts nothing down
            // (StarterHost.Tests' restart tests prove it with the next generation serving meanwhile).
            options.ListenHandle((ulong)port.Fd, configure ?? (_ => { }));
        }
    }
}
