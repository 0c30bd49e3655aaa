using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using StarterHost.Worker.Kestrel;
using StarterHost.Worker.Tests.Support;

namespace StarterHost.Worker.Tests;

/// <summary>
/// Two Kestrel "generations" in one process on two descriptors of one real listening socket, as two
/// workers inherit it: the old one stops, the new one goes on accepting.
/// </summary>
public sealed class KestrelHandoverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static WebApplication Generation(string name, ServerStarterPort port, string? notifySocket = null, Action<ServerStarterOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ListenServerStarter([port], o =>
        {
            o.HandoverDelay = TimeSpan.FromMilliseconds(100);
            o.NotifySocket = notifySocket;
            o.WatchdogPeriod = null;
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.MapGet("/", () => name);
        return app;
    }

    [Fact]
    public async Task AStoppedGenerationLeavesTheSharedSocketListeningForTheNextOne()
    {
        using var inherited = InheritedSocket.Tcp(IPAddress.Loopback);
        int nextFd = Descriptors.DupHigh(inherited.Fd);
        try
        {
            var ports = ServerStarterPorts.Parse($"127.0.0.1:{inherited.Port}={inherited.Fd}");
            await using var old = Generation("old", ports[0]);
            await old.StartAsync().WaitAsync(Timeout);
            Assert.Equal("old", await Get(inherited.Port));

            await using var next = Generation("next", ports[0] with { Fd = nextFd });
            await next.StartAsync().WaitAsync(Timeout);
            await old.StopAsync().WaitAsync(Timeout);

            Assert.True(Descriptors.IsOpen(inherited.Fd), "stopping Kestrel closed the inherited fd");
            for (int i = 0; i < 50; i++)
                Assert.Equal("next", await Get(inherited.Port));
            await next.StopAsync().WaitAsync(Timeout);
            Assert.Equal(1, (int)inherited.Original.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection)!);
        }
        finally
        {
            Descriptors.Close(nextFd);
        }
    }

    [Fact]
    public Task ReadyIsSentOnceKestrelAcceptsOnTheInheritedSocket() => WithNotifySocket(async (inherited, port, path, notify) =>
    {
        await using var app = Generation("ready", port, path);
        await app.StartAsync().WaitAsync(Timeout);

        Assert.Equal("READY=1", await Next(notify));
        // Ready meant it: the very next connection is served.
        Assert.Equal("ready", await Get(inherited.Port));
        await app.StopAsync().WaitAsync(Timeout);
    });

    [Fact]
    public Task WatchdogPingsFollowReadyWhileTheThreadPoolAnswersAndStopWithTheApp() => WithNotifySocket(async (_, port, path, notify) =>
    {
        await using var app = Generation("watched", port, path, o => o.WatchdogPeriod = TimeSpan.FromMilliseconds(200));
        await app.StartAsync().WaitAsync(Timeout);

        Assert.Equal(["READY=1", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"], [await Next(notify), await Next(notify), await Next(notify), await Next(notify)]);
        await app.StopAsync().WaitAsync(Timeout);
        // Stopped: whatever was on its way is drained, and nothing follows it for a few periods.
        while (notify.Available > 0)
            await Next(notify);
        notify.ReceiveTimeout = 1000;
        Assert.Throws<SocketException>(() => notify.Receive(new byte[64]));
    });

    [Fact]
    public Task AWatchdogCheckThatFailsSendsNoPing() => WithNotifySocket(async (_, port, path, notify) =>
    {
        using var asked = new SemaphoreSlim(0);
        await using var app = Generation("stuck", port, path, o =>
        {
            o.WatchdogPeriod = TimeSpan.FromMilliseconds(100);
            o.WatchdogCheck = () =>
            {
                asked.Release();
                return false;
            };
        });
        await app.StartAsync().WaitAsync(Timeout);
        Assert.Equal("READY=1", await Next(notify));
        for (int i = 0; i < 3; i++)
            Assert.True(await asked.WaitAsync(Timeout));
        Assert.Equal(0, notify.Available);
        await app.StopAsync().WaitAsync(Timeout);
    });

    /// <summary>A listening socket as a worker inherits it, and a notify socket (at the path given) to hear the worker on.</summary>
    private static async Task WithNotifySocket(Func<InheritedSocket, ServerStarterPort, string, Socket, Task> test)
    {
        using var inherited = InheritedSocket.Tcp(IPAddress.Loopback);
        string directory = Directory.CreateTempSubdirectory("notify-").FullName;
        try
        {
            string path = Path.Combine(directory, "notify.sock");
            using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            notify.Bind(new UnixDomainSocketEndPoint(path));
            await test(inherited, ServerStarterPorts.Parse($"127.0.0.1:{inherited.Port}={inherited.Fd}")[0], path, notify);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> Next(Socket notify)
    {
        var buffer = new byte[64];
        int received = await notify.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(Timeout);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, received);
    }

    /// <summary>A new connection per request: the one thing a draining generation must never fail.</summary>
    private static async Task<string> Get(int port)
    {
        using var client = new HttpClient { Timeout = Timeout };
        client.DefaultRequestHeaders.ConnectionClose = true;
        return await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"));
    }
}
