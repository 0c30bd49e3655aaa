using Microsoft.Extensions.Logging;
using StarterHost.Generations;
using StarterHost.Interop;
using StarterHost.Logging;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Logging;

/// <summary>Lines written before the call returns; start-up lines held until start-up is over, or dropped with it.</summary>
public sealed class StarterLoggerProviderTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly int _fd;
    private readonly LogSink _sink;
    private readonly ILoggerFactory _loggers;

    public StarterLoggerProviderTests()
    {
        _fd = Posix.OpenForAppend(_dir.File("log"));
        _sink = new LogSink(_fd);
        _loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new StarterLoggerProvider(new JournalConsoleFormatter(), _sink)));
    }

    public void Dispose()
    {
        _loggers.Dispose();
        Posix.Close(_fd);
        _dir.Dispose();
    }

    private string Written => File.ReadAllText(_dir.File("log"));

    private ILogger Ours => _loggers.CreateLogger("StarterHost.Generations.StarterService");

    [Fact]
    public void ALineIsInTheFileWhenTheCallReturns()
    {
        _sink.EndStartup();
        NoticeLog.Write(Ours, new StartingWorker(42, 1));
        Assert.Equal("<6>starting new worker 42 (generation 1)\n", Written);
        NoticeLog.Write(Ours, new WorkerDiedUnexpectedly(42, new StarterHost.Workers.WaitStatus(256)));
        Assert.EndsWith("<4>worker 42 died unexpectedly with status:256 (exit code 1), restarting\n", Written);
    }

    [Fact]
    public void StartUpLinesAreHeldUntilStartUpIsOver()
    {
        Log.StartingNow(Ours, 7);
        Log.Listening(Ours, "127.0.0.1:8080", "8080", 3);
        _loggers.CreateLogger("Microsoft.Extensions.Hosting.Internal.Host").LogInformation("the host's own line");
        Assert.Equal("", Written);
        _sink.EndStartup();
        NoticeLog.Write(Ours, new StartingWorker(42, 1));
        Assert.Equal("<6>starterhost (pid:7) starting now...\n<6>listening on 127.0.0.1:8080 as 8080=3\n<6>the host's own line\n<6>starting new worker 42 (generation 1)\n", Written);
    }

    [Fact]
    public void AFailedStartUpDropsWhatWasHeld()
    {
        Log.StartingNow(Ours, 7);
        _loggers.CreateLogger("Microsoft.Extensions.Hosting.Internal.Host").LogError(new InvalidOperationException("boom"), "Hosting failed to start");
        _sink.DiscardStartup();
        Assert.Equal("", Written);
    }

    [Fact]
    public void EndStartupWritesWhatWasHeld()
    {
        Log.ConfigurationRead(Ours, "/etc/starterhost/appsettings.json");
        _sink.EndStartup();
        Assert.Equal("<6>configuration files read: /etc/starterhost/appsettings.json\n", Written);
    }
}
