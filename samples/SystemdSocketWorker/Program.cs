// An ASP.NET Core app that knows systemd and nothing of StarterHost: Kestrel takes its listeners from
// socket activation (LISTEN_PID, LISTEN_FDS) with Microsoft's UseSystemd(), and AddSystemd() gives it the
// systemd lifetime when systemd itself runs it. Under `starterhost --listen-fds` it is hot-deployed like any
// other worker. (Microsoft.Extensions.Hosting.Systemd 10 knows a service by its parent being systemd, so
// under StarterHost it keeps the console lifetime and sends no READY=1: use the default --readiness=interval.)
using Microsoft.AspNetCore.Connections;
using SystemdSocketWorker;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // Not the working directory: under a superdaemon that is the superdaemon's, with its own appsettings.json.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Services.AddSystemd();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.UseSystemd());
// Kestrel's socket transport, made to stop accepting before Kestrel stops (see StopAcceptingFirst.cs).
builder.Services.AddSingleton<StopAcceptingFirst>();
builder.Services.AddSingleton<IConnectionListenerFactory>(sp => sp.GetRequiredService<StopAcceptingFirst>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<StopAcceptingFirst>());

var app = builder.Build();
string generation = Environment.GetEnvironmentVariable("SERVER_STARTER_GENERATION") ?? "none";
app.MapGet("/", () => $"Hello from generation {generation} (pid {Environment.ProcessId})\n");
app.Run();
