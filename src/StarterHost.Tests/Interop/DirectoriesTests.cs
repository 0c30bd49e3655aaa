using StarterHost.Interop;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Interop;

public sealed class DirectoriesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EntriesAreCountedWithoutDotAndDotDot()
    {
        Assert.Equal(0, Posix.CountEntries(_dir.Path));
        File.WriteAllText(_dir.File("a"), "");
        File.WriteAllText(_dir.File(".hidden"), "");
        File.WriteAllText(_dir.File("..."), "");
        Directory.CreateDirectory(_dir.File("sub"));
        File.CreateSymbolicLink(_dir.File("dangling"), "/nonexistent");
        Assert.Equal(5, Posix.CountEntries(_dir.Path));
    }

    [Fact]
    public void AMissingDirectoryIsAnErrorNamingIt() =>
        Assert.Equal(Libc.ENOENT, Assert.Throws<PosixException>(() => Posix.CountEntries(_dir.File("missing"))).Errno);
}
