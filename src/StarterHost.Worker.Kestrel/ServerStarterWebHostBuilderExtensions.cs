using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarterHost.Worker;
using StarterHost.Worker.Kestrel;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Makes Kestrel listen on the sockets a superdaemon (StarterHost, start_server) hands down.</summary>
public static class ServerStarterWebHostBuilderExtensions
{
    /// <summary>
    /// Listens on every stream socket named in <c>SERVER_STARTER_PORT</c> (TCP, IPv6 and unix sockets alike).
    /// When the variable is not set, changes nothing, so the app listens on its usual URLs
    /// (<c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>Kestrel:Endpoints</c>).
    /// </summary>
    /// <remarks>
    /// On SIGTERM the worker stops accepting at once, waits <see cref="ServerStarterOptions.HandoverDelay"/>
    /// for the requests of connections it had just accepted, then Kestrel finishes the requests in flight
    /// within <c>HostOptions.ShutdownTimeout</c>. The inherited sockets are never closed nor shut down: the
    /// next generation accepts on them all along. Datagram (UDP) sockets are skipped; Kestrel serves streams.
    /// A worker starts in the superdaemon's working directory: create the builder with
    /// <c>ContentRootPath = AppContext.BaseDirectory</c>, or the app reads the superdaemon's appsettings.json.
    /// </remarks>
    /// <param name="builder">The web host builder, e.g. <c>WebApplicationBuilder.WebHost</c>.</param>
    /// <param name="configure">Adjusts the <see cref="ServerStarterOptions"/>; may be null.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="FormatException"><c>SERVER_STARTER_PORT</c> is malformed; the message quotes it.</exception>
    /// <exception cref="InvalidOperationException">A named descriptor is not a listening socket; thrown when the host is built.</exception>
    public static IWebHostBuilder ListenServerStarter(this IWebHostBuilder builder, Action<ServerStarterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ListenServerStarter(ServerStarterPorts.FromEnvironment(), configure);
    }

    /// <summary>As the public overload, with the ports given rather than read from the environment (tests).</summary>
    internal static IWebHostBuilder ListenServerStarter(this IWebHostBuilder builder, IReadOnlyList<ServerStarterPort> ports, Action<ServerStarterOptions>? configure)
    {
        if (ports.Count == 0)
            return builder;
        var options = new ServerStarterOptions();
        configure?.Invoke(options);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<AcceptGate>();
            services.AddSingleton(options);
            // Registered last, so Kestrel asks it first; it takes the inherited descriptors only.
            services.AddSingleton<IConnectionListenerFactory>(sp => new GatedListenerFactory(
                new SocketTransportFactory(sp.GetRequiredService<IOptions<SocketTransportOptions>>(), sp.GetRequiredService<ILoggerFactory>()),
                sp.GetRequiredService<AcceptGate>()));
            services.AddHostedService<HandoverService>();
            services.AddHostedService<WatchdogService>();
        });
        return builder.ConfigureKestrel(kestrel => Listen(kestrel, ports, options.ConfigureEndpoint));
    }

    private static void Listen(KestrelServerOptions options, IReadOnlyList<ServerStarterPort> ports, Action<ListenOptions>? configure)
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
            // Kestrel wraps the fd without owning it: stopping closes nothing and shuts nothing down.
            options.ListenHandle((ulong)port.Fd, configure ?? (_ => { }));
        }
    }
}
