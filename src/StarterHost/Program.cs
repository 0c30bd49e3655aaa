using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StarterHost;
using StarterHost.Cli;
using StarterHost.Client;
using StarterHost.Configuration;
using StarterHost.Hosting;
using StarterHost.Logging;
using StarterHost.Signals;
using StarterHost.Upgrade;
using StarterHost.Workers;

// The exec helper (see Workers/ExecHelper.cs) becomes a worker; nothing else of this program may run first.
if (args is [ExecHelper.Flag, .. var helperArgs])
    return ExecHelper.Run(helperArgs);
// An upgrade's preflight: can this file take the running StarterHost's state over?
if (args is [UpgradeCheck.Flag])
    return UpgradeCheck.Run(Console.Out);
// As PID 1 the runtime reaps every child itself: StarterHost runs as PID 1's child instead (see InitRole).
if (InitRole.IsNeeded)
    return InitRole.Run(args);
// Before anything starts a thread, which would take a signal meant for the loop.
BlockedSignals.BlockForLife();

StandardStreams.WriteThroughDescriptors();
var logSink = new LogSink(2);
try
{
    // An upgrade in place started this image: take the state first (a handoff this image cannot read rolls back).
    var restore = UpgradeRestore.Take();
    InitRole.TakeChildRole();
    var commandLine = StartServerCommandLine.Parse(args);
    switch (commandLine.Mode)
    {
        case CliMode.Help:
            Console.Out.WriteLine(HelpText.Usage);
            return 0;
        case CliMode.Version:
            Console.Out.WriteLine($"starterhost {ProductVersion.Current}");
            return 0;
    }

    using var host = StarterHostBuilder.Create(commandLine, logSink).Build();
    // Resolving the options runs every validator: bad input stops here, before anything is bound.
    var options = host.Services.GetRequiredService<IOptions<StarterOptions>>().Value;
    if (commandLine.Mode is not CliMode.Serve)
    {
        logSink.EndStartup(); // a client binds nothing: what it logs is written as it comes
        BlockedSignals.ReleaseAll(); // and handles no signal: Ctrl-C ends it
        InitRole.ReleaseSignals();
    }
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
        case CliMode.Upgrade:
            UpgradeClient.Run(options, Console.Error);
            return 0;
        case CliMode.Status:
            return StatusClient.Run(options, Console.Out);
    }
    BlockedSignals.ReleaseUnhandled(logFile: options.LogFile is not null);
    ThisImage.Resolve(args, options.UpgradeExec, restore?.Handoff.Image.Location());
    // An upgraded image is the detached copy already, whatever its environment says.
    if (restore is null && options.Daemonize && !Daemonizer.IsDetachedCopy)
    {
        // The launcher's exit would be PID 1's, which ends the namespace and the daemon with it.
        if (InitRole.IsChild)
            throw new StartupException($"{StarterOptions.DaemonizeOption} cannot work as PID 1 (a container or pid namespace without an init): the namespace ends when PID 1 exits; run in the foreground");
        return Daemonizer.Detach(args);
    }

    if (restore is null)
        Log.ConfigurationRead(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StarterHost.Configuration"), host.Services.GetRequiredService<ConfigurationRead>().Files);
    // Blocking, not awaited: what follows must run on the main thread, which lives as long as the process.
    // Started: the sockets are bound, the log file is open and the held start-up lines are in it (SupervisorService.StartAsync).
    host.StartAsync().GetAwaiter().GetResult();
    InitRole.ReleaseSignals(); // SignalRouter is in place
    // A --daemonize launcher is released once generation 1 serves (see ServiceNotifier), not here.
    host.Services.GetRequiredService<StarterHost.Supervision.SupervisorService>().RunOnThisThread();
    host.StopAsync().GetAwaiter().GetResult();
    return Environment.ExitCode;
}
catch (Exception e)
{
    // Whatever went wrong, one line: what start-up had logged so far is dropped, and nothing more is said.
    logSink.DiscardStartup();
    string message = FailureText.Of(e);
    // Before this image supervised: the old one carries on (this returns only when there is none to go back to).
    UpgradeRestore.Current?.RollBack(message);
    if (Daemonizer.IsDetachedCopy)
        Daemonizer.ReportFailure(message);
    // Under systemd the journal takes "<3>" as the priority: an error, not the default info.
    string priority = JournalConsoleFormatter.IsUnderSystemd(Environment.GetEnvironmentVariables()) ? "<3>" : "";
    Console.Error.WriteLine($"{priority}starterhost: {message}");
    return 1;
}
