using StarterHost.Client;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Client;

/// <summary>The status file as restart_server reads it: "generation:pid" lines, anything else skipped.</summary>
public sealed class StatusFileReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LinesThatDoNotMatchOrOverflowAreSkipped()
    {
        string path = _dir.File("status");
        File.WriteAllText(path, "3:100\njunk\n4:101 trailing\n99999999999:102\n5:99999999999\n-1:103\n3:104\n");

        Assert.Equal([(3, 100), (4, 101), (3, 104)], StatusFileReader.Entries(path));
        Assert.Equal([3, 4], StatusFileReader.Generations(path));
    }

    [Fact]
    public void NoFileIsNull()
    {
        Assert.Null(StatusFileReader.Entries(_dir.File("missing")));
        Assert.Null(StatusFileReader.Generations(_dir.File("missing")));
    }
}
