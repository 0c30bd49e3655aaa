using StarterHost.Workers;

namespace StarterHost.Tests.Supervision;

/// <summary>What --max-worker-rss reads: VmRSS from /proc/PID/status.</summary>
public sealed class ResidentMemoryReaderTests
{
    [Theory]
    [InlineData("Name:\tperl\nVmPeak:\t   30000 kB\nVmRSS:\t    1234 kB\nRssAnon:\t 1000 kB\n", 1234L * 1024)]
    [InlineData("VmRSS:\t       0 kB\n", 0L)]
    [InlineData("Name:\tzombie\nState:\tZ (zombie)\n", null)]
    [InlineData("VmRSS:\t    12 MB\n", null)]
    public void ReadsVmRssInBytes(string status, long? expected) =>
        Assert.Equal(expected, ResidentMemoryReader.Parse(status));

    [Fact]
    public void ReadsALiveProcessAndNothingOfOneThatIsGone()
    {
        Assert.InRange(ResidentMemoryReader.Read(System.Environment.ProcessId) ?? 0, 1L << 20, long.MaxValue);
        Assert.Null(ResidentMemoryReader.Read(int.MaxValue));
    }
}
