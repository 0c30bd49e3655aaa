// The smallest hot-deployable ASP.NET Core app: run it under StarterHost (or start_server) and it serves
// on the sockets handed down; run it alone and it serves on its usual URLs. On SIGTERM it stops
// accepting and finishes the requests in flight while the next generation takes the new connections.
using System.Globalization;
using StarterHost.Worker;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // Not the working directory: under StarterHost that is the superdaemon's, with its own appsettings.json.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.WebHost.ListenServerStarter();

var app = builder.Build();
string generation = ServerStarterEnvironment.Generation?.ToString(CultureInfo.InvariantCulture) ?? "none";

// ?delay=MS holds the response that long: a request in flight to watch a restart drain.
app.MapGet("/", async (int? delay, CancellationToken aborted) =>
{
    if (delay is > 0)
        await Task.Delay(delay.Value, aborted);
    return $"Hello from generation {generation} (pid {Environment.ProcessId})\n";
});

app.Run();
