using StarterHost.Status;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Status;

/// <summary>
/// Status files are replaced whole, as start_server does, but through a temporary name nobody can plant a
/// symlink at: start_server's "FILE.PID" is known to any worker ($PPID).
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private const int OwnPid = 4242;
    private const string Secret = "root:secret:19000:0:99999:7:::\n";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Target => _dir.File("status");
    private string Victim => _dir.File("shadow");

    private static void Replace(string target, string text) => AtomicFile.Replace(target, System.Text.Encoding.ASCII.GetBytes(text), OwnPid);

    [Fact]
    public void ASymlinkAtStartServersTemporaryNameIsNeverWrittenThrough()
    {
        File.WriteAllText(Victim, Secret);
        File.CreateSymbolicLink($"{Target}.{OwnPid}", Victim);

        Replace(Target, "1:100\n");

        Assert.Equal(Secret, File.ReadAllText(Victim));
        Assert.Equal("1:100\n", File.ReadAllText(Target));
    }

    [Fact]
    public void ASymlinkAtTheTargetIsReplacedNotFollowed()
    {
        File.WriteAllText(Victim, Secret);
        File.CreateSymbolicLink(Target, Victim);

        Replace(Target, "1:100\n");

        Assert.Equal(Secret, File.ReadAllText(Victim));
        Assert.Null(new FileInfo(Target).LinkTarget);
        Assert.Equal("1:100\n", File.ReadAllText(Target));
    }

    [Fact]
    public void TheFileIsReadableByAllAndWritableByItsOwnerAloneAndNothingElseIsLeft()
    {
        Replace(Target, "1:100\n");
        Replace(Target, "2:200\n");

        Assert.Equal("2:200\n", File.ReadAllText(Target));
        var mode = File.GetUnixFileMode(Target);
        Assert.Equal(UnixFileMode.None, mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.UserExecute));
        Assert.Equal([Target], Directory.GetFileSystemEntries(_dir.Path));
    }
}
