using System.Diagnostics;
using StarterHost.Interop;
using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

/// <summary>The process_* numbers from /proc/self, parsed as proc(5) lays them out.</summary>
public sealed class ProcessFactsTests
{
    // A command name with spaces and a ')' of its own: fields are counted from the last ')'.
    private const string Stat =
        "4242 (odd) name) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 125 0 0 20 0 4 0 98765 230000000 2816 18446744073709551615 1 1 0 0 0 0 0 4096 17003 0 0 0 17 1 0 0 0 0 0\n";

    [Fact]
    public void CpuIsUserPlusSystemTicksAndResidentIsPagesInBytes()
    {
        var (cpu, resident) = ProcessFacts.CpuAndResident(Stat, pageSize: 4096);
        Assert.Equal(3.75, cpu, 6); // (250 + 125) / 100
        Assert.Equal(2816L * 4096, resident);
    }

    [Fact]
    public void StartTimeIsBootTimePlusTicksAfterBoot()
    {
        const string system = "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 12 3 4\nctxt 99\nbtime 1767225600\nprocesses 7\n";
        Assert.Equal(1767225600 + 987.65, ProcessFacts.StartTime(Stat, system), 6);
    }

    [Theory]
    [InlineData("Max cpu time              unlimited            unlimited            seconds\nMax open files            1024                 524288               files\n", 1024L)]
    [InlineData("Max open files            unlimited            unlimited            files\n", null)]
    public void MaxFdsIsTheSoftLimit(string limits, long? expected) =>
        Assert.Equal(expected, ProcessFacts.MaxOpenFiles(limits));

    [Theory]
    [InlineData("4242 (x) S 1 2")]
    [InlineData("no parenthesis here")]
    public void AStatLineCutShortIsAFormatError(string stat) =>
        Assert.Throws<FormatException>(() => ProcessFacts.CpuAndResident(stat, 4096));

    [Fact]
    public void ThisProcessReadsAsTheRuntimeSeesIt()
    {
        var facts = ProcessFacts.ReadSelf();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Assert.InRange(facts.CpuSeconds, 0.01, self.TotalProcessorTime.TotalSeconds + 1);
        Assert.InRange(facts.ResidentBytes, 1L << 20, long.MaxValue);
        double runtimeStart = new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
        // /proc/stat's btime is whole seconds; the runtime measures boot time finer.
        Assert.Equal(runtimeStart, facts.StartTimeSeconds, 1.5);
        // The test host's threads open and close files meanwhile: the count is near the one the fd directory gives.
        Assert.InRange(facts.OpenFds, Posix.OpenDescriptors().Count - 10, Posix.OpenDescriptors().Count + 10);
        Assert.True(facts.MaxFds > facts.OpenFds, $"max {facts.MaxFds}, open {facts.OpenFds}");
    }
}
