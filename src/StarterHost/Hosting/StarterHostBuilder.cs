using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using StarterHost.Cli;
using StarterHost.Configuration;
using StarterHost.Environment;
using StarterHost.Listening;
using StarterHost.Logging;
using StarterHost.Supervision;
using StarterHost.Systemd;
using StarterHost.Workers;

namespace StarterHost.Hosting;

/// <summary>Wires the generic host: configuration sources, options and their validation, logging, components.</summary>
internal static class StarterHostBuilder
{
    public static HostApplicationBuilder Create(StartServerCommandLine commandLine)
    {
        // The empty builder: no file watchers (the default reload-on-change watches the content
        // root, which under systemd is "/"), no default logging providers, nothing implicit.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = Directory.GetCurrentDirectory(),
            EnvironmentName = System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
        });
        var processEnvironment = System.Environment.GetEnvironmentVariables();

        // Later wins: appsettings.json < ENVDIR & co. < Starter__* < --Starter:* < start_server options.
        builder.Configuration
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{builder.Environment.EnvironmentName}.json", optional: true, reloadOnChange: false)
            .AddInMemoryCollection(LegacyEnvironment.Read(processEnvironment))
            .AddEnvironmentVariables()
            .AddCommandLine([.. commandLine.ConfigurationArguments]);

        builder.Logging
            .AddConfiguration(builder.Configuration.GetSection("Logging"))
            .AddConsole(o =>
            {
                o.FormatterName = JournalConsoleFormatter.IsUnderSystemd(processEnvironment) ? JournalConsoleFormatter.Name : StarterConsoleFormatter.Name;
                o.LogToStandardErrorThreshold = LogLevel.Trace; // start_server writes to stderr
            });
        // Registered by hand: AddConsoleFormatter<,> binds its options by reflection, which does not trim.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, StarterConsoleFormatter>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, JournalConsoleFormatter>());

        var services = builder.Services;
        var section = builder.Configuration.GetSection(StarterOptions.SectionName);
        services.AddOptions<StarterOptions>()
            .Bind(section)
            .Configure(options => ScalarLists.Apply(section, options))
            .PostConfigure(commandLine.ApplyTo)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StarterOptions>, StarterOptionsAnnotationsValidator>();
        services.AddSingleton<IValidateOptions<StarterOptions>>(new StarterOptionsValidator(commandLine.Mode));
        services.AddSingleton<IValidateOptions<StarterOptions>>(new SocketAndIdentityValidator(commandLine.Mode));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StarterOptions>>().Value);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = Timeout.InfiniteTimeSpan);

        services.AddSingleton<IHostLifetime, QuietLifetime>();
        services.AddSingleton<ListenerRegistry>();
        services.AddSingleton(sp => new WorkerEnvironment(sp.GetRequiredService<StarterOptions>(), processEnvironment));
        services.AddSingleton<WorkerSpawner>();
        services.AddSingleton(new SystemdEnvironment(processEnvironment, Interop.Posix.CurrentPid));
        services.AddSingleton(sp => new ServiceNotifier(
            new SystemdNotifier(),
            processEnvironment[SystemdEnvironment.NotifySocket] as string,
            sp.GetRequiredService<ILogger<ServiceNotifier>>()));
        services.AddHostedService<SupervisorService>();
        return builder;
    }
}
