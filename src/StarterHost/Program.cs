using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StarterHost;
using StarterHost.Cli;
using StarterHost.Client;
using StarterHost.Configuration;
using StarterHost.Hosting;
using StarterHost.Logging;
using StarterHost.Workers;

// The exec helper (see Workers/ExecHelper.cs) becomes a worker; nothing else of this program may run first.
if (args is [ExecHelper.Flag, ..])
    return ExecHelper.Run(args);

StandardStreams.WriteThroughDescriptors();
try
{
    var commandLine = StartServerCommandLine.Parse(args);
    switch (commandLine.Mode)
    {
        case CliMode.Help:
            Console.Out.WriteLine(HelpText.Usage);
            return 0;
        case CliMode.Version:
            Console.Out.WriteLine(typeof(StarterOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]);
            return 0;
    }

    using var host = StarterHostBuilder.Create(commandLine).Build();
    // Resolving the options runs every validator: bad input stops here, before anything is bound.
    var options = host.Services.GetRequiredService<IOptions<StarterOptions>>().Value;
    switch (commandLine.Mode)
    {
        case CliMode.Restart:
            RestartClient.Run(options, Console.Error);
            return 0;
        case CliMode.Reload:
            RestartClient.Run(options, Console.Error, untilServing: true);
            return 0;
        case CliMode.Stop:
            StopClient.Run(options, Console.Error);
            return 0;
    }
    if (options.Daemonize && !Daemonizer.IsDetachedCopy)
        return Daemonizer.Detach(args);

    await host.StartAsync();
    Daemonizer.ReportReady();
    await host.WaitForShutdownAsync();
    return Environment.ExitCode;
}
catch (Exception e) when (e is UsageException or StartupException or ClientFailure or OptionsValidationException or InvalidOperationException)
{
    string message = e is OptionsValidationException validation ? string.Join("; ", validation.Failures) : e.Message;
    if (Daemonizer.IsDetachedCopy)
        Daemonizer.ReportFailure(message);
    // Under systemd the journal takes "<3>" as the priority: an error, not the default info.
    string priority = JournalConsoleFormatter.IsUnderSystemd(Environment.GetEnvironmentVariables()) ? "<3>" : "";
    Console.Error.WriteLine($"{priority}starterhost: {message}");
    return e is UsageException ? 2 : 1;
}
