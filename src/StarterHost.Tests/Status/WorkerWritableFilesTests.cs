using StarterHost.Interop;
using StarterHost.Status;

namespace StarterHost.Tests.Status;

/// <summary>
/// Which of StarterHost's files the workers' user (uid 1000, groups 1000 and 50) could replace: by owning or
/// writing to their directory, or a directory above it (a sticky one only where the file itself lies).
/// </summary>
public sealed class WorkerWritableFilesTests
{
    private const uint User = 1000;
    private static readonly HashSet<uint> Groups = [1000, 50];
    private static readonly FileStatus RootOnly = Directory(0, 0, "755");

    private static FileStatus Directory(uint uid, uint gid, string mode) => new(0x4000 | Convert.ToUInt32(mode, 8), uid, gid, 2, 1);

    private static IReadOnlyList<(string File, string Directory)> Find(string file, FileStatus directory, FileStatus? parent = null) =>
        WorkerWritableFiles.Find([file], User, Groups, d => d switch
        {
            "/srv/app" => directory,
            "/srv" => parent ?? RootOnly,
            _ => RootOnly,
        });

    [Theory]
    [InlineData(0u, 0u, "755", false)]
    [InlineData(0u, 0u, "1777", true)]     // /tmp: a name nobody holds yet can be taken
    [InlineData(0u, 0u, "777", true)]
    [InlineData(0u, 1000u, "775", true)]   // the user's group may write
    [InlineData(0u, 50u, "770", true)]     // a supplementary group may write
    [InlineData(0u, 60u, "775", false)]    // another group may
    [InlineData(0u, 50u, "757", false)]    // a member of the group gets the group's bits, not the others'
    [InlineData(User, 0u, "555", true)]    // its owner may chmod it
    public void TheFilesOwnDirectory(uint uid, uint gid, string mode, bool writable) =>
        Assert.Equal(writable ? [("/srv/app/app.pid", "/srv/app")] : [], Find("/srv/app/app.pid", Directory(uid, gid, mode)));

    [Theory]
    [InlineData(0u, 0u, "755", false)]
    [InlineData(0u, 0u, "777", true)]      // /srv/app can be renamed away and replaced
    [InlineData(0u, 0u, "1777", false)]    // sticky: root's /srv/app stays put
    [InlineData(User, User, "755", true)]
    public void ADirectoryAboveIt(uint uid, uint gid, string mode, bool writable) =>
        Assert.Equal(writable ? [("/srv/app/app.pid", "/srv")] : [], Find("/srv/app/app.pid", RootOnly, Directory(uid, gid, mode)));

    [Fact]
    public void AMissingDirectoryIsNoFinding() =>
        Assert.Empty(WorkerWritableFiles.Find(["/srv/app/app.pid"], User, Groups, d => d == "/" ? RootOnly : null));
}
