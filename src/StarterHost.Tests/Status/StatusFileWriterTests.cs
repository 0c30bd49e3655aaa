using StarterHost.Generations;
using StarterHost.Status;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Status;

/// <summary>The status file and its failure companion, as the restart client reads them.</summary>
public sealed class StatusFileWriterTests : IDisposable
{
    private static readonly RestartFailure Failed =
        new(5, new RestartRetrying(new AttemptFailed(5, new NotReady(TimeSpan.FromSeconds(60))), ServingGeneration: 4));

    private const string FailureLine = "5 generation 5 was not ready within 60 s (no READY=1); generation 4 keeps serving, and StarterHost tries again\n";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string StatusFile => _dir.File("status");

    private string FailureFile => StatusFileWriter.FailureFileOf(StatusFile);

    /// <summary>
    /// The client takes a failure file written after its HUP for its restart's: one rewritten while the same
    /// failure stands would look new. A hand-made change to the file shows that it was not written again.
    /// </summary>
    [Fact]
    public void AFailureThatStandsIsNotWrittenAgainWhenTheWorkersChange()
    {
        var writer = new StatusFileWriter(StatusFile, 1);
        writer.Write(new StatusDocument([new Worker(4, 100)], Failed));
        Assert.Equal(FailureLine, File.ReadAllText(FailureFile));
        File.WriteAllText(FailureFile, "x");

        writer.Write(new StatusDocument([new Worker(4, 101)], Failed));

        Assert.Equal("4:101\n", File.ReadAllText(StatusFile));
        Assert.Equal("x", File.ReadAllText(FailureFile));
    }

    /// <summary>
    /// A failure file that could not be written (here a directory stands at its name, so the rename fails) is
    /// written by the next status change, and the failed attempt leaves no temporary file behind.
    /// </summary>
    [Fact]
    public void AFailureFileThatCouldNotBeWrittenIsWrittenNextTimeAndLeavesNoTemporaryFile()
    {
        var writer = new StatusFileWriter(StatusFile, 1);
        Directory.CreateDirectory(Path.Combine(FailureFile, "in-the-way"));
        var document = new StatusDocument([new Worker(4, 100)], Failed);
        Assert.ThrowsAny<IOException>(() => writer.Write(document));
        Assert.Equal([FailureFile], Directory.GetFileSystemEntries(_dir.Path));
        Directory.Delete(FailureFile, recursive: true);

        writer.Write(document);

        Assert.Equal(FailureLine, File.ReadAllText(FailureFile));
        Assert.Equal("4:100\n", File.ReadAllText(StatusFile));
        Assert.Equal([StatusFile, FailureFile], Directory.GetFileSystemEntries(_dir.Path).Order());
    }
}
