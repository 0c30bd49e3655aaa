using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StarterHost.Interop;
using StarterHost.Listening;
using StarterHost.Metrics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Metrics;

/// <summary>
/// What a scrape costs (bench/metrics-scrape runs it, in a process of its own): the CPU time of rendering a typical
/// snapshot with its live parts (/proc/self, two accept queues read from the kernel), and of whole scrapes over
/// loopback as the loop thread spends it, accept to close; and the size of the answer.
/// </summary>
internal static class ScrapeCost
{
    public static int Child(string[] args)
    {
        int count = args is [var n, ..] ? int.Parse(n, CultureInfo.InvariantCulture) : 10_000;
        using var dir = new TempDirectory();
        using var tcp = Listen(AddressFamily.InterNetwork, socket => Posix.Bind(socket.Fd, new IPEndPoint(IPAddress.Loopback, 0)));
        using var unix = Listen(AddressFamily.Unix, socket => Posix.BindUnix(socket.Fd, dir.File("app.sock")));
        byte[] Render() => ExpositionWriter.Write(
            Snapshots.Typical() with { Listeners = ListenQueues.Read([("127.0.0.1:8080", tcp.Fd), (dir.File("app.sock"), unix.Fd)]) },
            ProcessFacts.ReadSelf());

        byte[] body = Render();
        for (int i = 0; i < 1000; i++)
            Render();
        var cpu = System.Environment.CpuUsage.TotalTime;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
            Render();
        double renderMicroseconds = (System.Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / count;
        double renderWall = wall.Elapsed.TotalMicroseconds / count;
        var snapshot = Snapshots.Typical();
        double writer = CpuMicroseconds(count, () => ExpositionWriter.Write(snapshot, Snapshots.Process));
        double queues = CpuMicroseconds(count, () => ListenQueues.Read([("127.0.0.1:8080", tcp.Fd), (dir.File("app.sock"), unix.Fd)]));
        double process = CpuMicroseconds(count, () => ProcessFacts.ReadSelf());

        using var endpoint = new EndpointUnderTest(Render);
        int loopThread = endpoint.OnLoop(() => Posix.CurrentThreadId);
        for (int i = 0; i < 200; i++)
            endpoint.Exchange("GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n");
        double loopCpu = ThreadCpuSeconds(loopThread);
        int scrapes = Math.Max(1, count / 10);
        int answer = 0;
        for (int i = 0; i < scrapes; i++)
            answer = endpoint.Exchange("GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n").Length;
        double scrapeMicroseconds = (ThreadCpuSeconds(loopThread) - loopCpu) * 1e6 / scrapes;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"body: {body.Length} bytes; answer: {answer} bytes\n"
            + $"render (snapshot with 2 accept queues and /proc/self): {renderMicroseconds:F1} us CPU, {renderWall:F1} us wall, over {count}\n"
            + $"  of which writing the text: {writer:F1} us, the 2 accept queues: {queues:F1} us, process_* from /proc/self: {process:F1} us\n"
            + $"whole scrape on the loop thread (accept, read, render, send, close): {scrapeMicroseconds:F0} us CPU, over {scrapes} (clock ticks of 10 ms)"));
        return 0;
    }

    private static double CpuMicroseconds(int count, Action work)
    {
        var cpu = System.Environment.CpuUsage.TotalTime;
        for (int i = 0; i < count; i++)
            work();
        return (System.Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / count;
    }

    private static ListeningSocket Listen(AddressFamily family, Action<ListeningSocket> bind)
    {
        var socket = new ListeningSocket(Posix.OpenSocket(family, datagram: false));
        bind(socket);
        Posix.Listen(socket.Fd, 4096);
        return socket;
    }

    /// <summary>A thread's user and system time, fields 14 and 15 of /proc/self/task/TID/stat, in clock ticks.</summary>
    private static double ThreadCpuSeconds(int tid)
    {
        var (cpu, _) = ProcessFacts.CpuAndResident(File.ReadAllText($"/proc/self/task/{tid}/stat"), 4096);
        return cpu;
    }
}
