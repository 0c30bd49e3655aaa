using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    /// <exception cref="StartupException">A configuration file cannot be read, or a setting is unknown or of the wrong type.</exception>
    public static HostApplicationBuilder Create(StartServerCommandLine commandLine, LogSink logSink) =>
        Create(commandLine, logSink, StartupWorld.OfThisProcess());

    /// <summary>The same, with the environment and working directory given (tests run start-up in-process with their own).</summary>
    public static HostApplicationBuilder Create(StartServerCommandLine commandLine, LogSink logSink, StartupWorld world)
    {
        var processEnvironment = world.Environment;
        // The empty builder: no file watchers (the default reload-on-change watches the content
        // root, which under systemd is "/"), no default logging providers, nothing implicit.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = world.Directory,
            EnvironmentName = processEnvironment["DOTNET_ENVIRONMENT"] as string ?? Environments.Production,
        });

        // Later wins: appsettings.json < appsettings.{Environment}.json < --config files < ENVDIR & co.
        // < Starter__* < --Starter:* < start_server options.
        string directory = builder.Environment.ContentRootPath;
        var filesRead = ConfigurationFiles.Add(builder.Configuration, directory, builder.Environment.EnvironmentName, commandLine.ConfigFiles);
        builder.Configuration.AddInMemoryCollection(LegacyEnvironment.Read(processEnvironment));
        ((IConfigurationBuilder)builder.Configuration).Add(world.EnvironmentVariables);
        builder.Configuration.AddCommandLine([.. commandLine.ConfigurationArguments]);
        SettingsCheck.Run(builder.Configuration);
        var configurationRead = new ConfigurationRead(ConfigurationFiles.Describe(filesRead, directory));

        // start_server writes everything to stderr, and so do we, synchronously (see LogSink).
        ConsoleFormatter format = JournalConsoleFormatter.IsUnderSystemd(processEnvironment) ? new JournalConsoleFormatter() : new StarterConsoleFormatter();
        builder.Logging
            .AddConfiguration(builder.Configuration.GetSection("Logging"))
            .AddProvider(new StarterLoggerProvider(format, logSink));

        var services = builder.Services;
        var section = builder.Configuration.GetSection(StarterOptions.SectionName);
        services.AddOptions<StarterOptions>()
            // Each option binds its own key (SettingsCheck has refused every unknown key and every value of the wrong type).
            .Configure(options =>
            {
                foreach (var option in StarterOptions.Declared)
                    option.Bind(section, options);
            })
            .PostConfigure(commandLine.ApplyTo)
            .ValidateOnStart();
        services.AddSingleton(configurationRead);
        services.AddSingleton(logSink);
        services.AddSingleton<IValidateOptions<StarterOptions>, OptionRangeValidator>();
        services.AddSingleton<IValidateOptions<StarterOptions>>(new StarterOptionsValidator(commandLine.Mode, configurationRead, processEnvironment["PATH"] as string));
        services.AddSingleton<IValidateOptions<StarterOptions>>(new SocketAndIdentityValidator(commandLine.Mode));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StarterOptions>>().Value);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = Timeout.InfiniteTimeSpan);

        services.AddSingleton<IHostLifetime, QuietLifetime>();
        services.AddSingleton<ListenerRegistry>();
        services.AddSingleton(sp => new WorkerEnvironment(sp.GetRequiredService<StarterOptions>(), processEnvironment));
        services.AddSingleton<WorkerSpawner>();
        var systemd = new SystemdEnvironment(processEnvironment, Interop.Posix.CurrentPid);
        services.AddSingleton(systemd);
        services.AddSingleton<ISystemdNotifier>(new DatagramNotifier(systemd.NotifySocketName));
        // One instance: the host starts and stops it, Program.cs runs its loop on the main thread.
        services.AddSingleton<SupervisorService>();
        services.AddHostedService(sp => sp.GetRequiredService<SupervisorService>());
        return builder;
    }
}
