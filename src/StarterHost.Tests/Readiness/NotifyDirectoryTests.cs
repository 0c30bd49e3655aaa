using System.Net.Sockets;
using StarterHost.Interop;
using StarterHost.Readiness;
using StarterHost.Tests.Support;
using StarterHost.Workers;

namespace StarterHost.Tests.Readiness;

/// <summary>
/// One notify socket per worker, named by generation and slot, never taken over from a live worker, in a
/// directory nobody can guess the name of; directories that killed instances left behind are removed, and
/// nothing else is.
/// </summary>
public sealed class NotifyDirectoryTests : IDisposable
{
    private const int OwnPid = 4242;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private NotifyDirectory InRuntimeDirectory(WorkerIdentity? workers = null, List<string>? removed = null) =>
        new(new Dictionary<string, string?> { ["RUNTIME_DIRECTORY"] = _dir.Path }, OwnPid, workers, removed is null ? null : removed.Add);

    [Fact]
    public void ASlotsReplacementGetsASocketOfItsOwnWhileItsPredecessorHoldsTheFirst()
    {
        using var directory = InRuntimeDirectory();
        using var first = directory.Open(4, 2);
        using var other = directory.Open(4, 3);
        using var replacement = directory.Open(4, 2);
        Assert.Equal("notify.4.2.sock", Path.GetFileName(first.Path));
        Assert.Equal("notify.4.3.sock", Path.GetFileName(other.Path));
        Assert.Equal("notify.4.2.1.sock", Path.GetFileName(replacement.Path));
        Assert.True(File.Exists(first.Path));
        first.Dispose();
        using var later = directory.Open(4, 2);
        Assert.Equal("notify.4.2.sock", Path.GetFileName(later.Path));
    }

    [Fact]
    public void TheDirectoryHasARandomNameModeSevenHundredAndItsOwnersMarkAndGoesAtExit()
    {
        var directory = InRuntimeDirectory();
        using var socket = directory.Open(1, 0);
        string made = Path.GetDirectoryName(socket.Path)!;

        Assert.Matches($@"^starterhost\.{OwnPid}\.[A-Za-z0-9]{{6}}$", Path.GetFileName(made));
        Assert.Equal(_dir.Path, Path.GetDirectoryName(made));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(made));
        Assert.Equal(System.Environment.ProcessId, NotifyDirectoryOwner.Parse(File.ReadAllText(Path.Combine(made, NotifyDirectoryOwner.FileName)))?.Pid);
        directory.Dispose();
        Assert.False(Directory.Exists(made));
    }

    [Fact]
    public void WorkersOfAnotherUserMayPassThroughTheDirectoryToTheirSocket()
    {
        using var directory = InRuntimeDirectory(new WorkerIdentity(new UserAccount("nobody", 65534, 65534), 65534));
        using var socket = directory.Open(1, 0);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        Assert.Equal(mode, File.GetUnixFileMode(Path.GetDirectoryName(socket.Path)!));
        Assert.Equal(65534u, Posix.TryGetFileStatus(socket.Path)?.Uid);
    }

    /// <summary>start_server's era: /tmp/starterhost.PID, a name anyone could take first. Taking it changes nothing now.</summary>
    [Fact]
    public void AFileAtThePredictableNameIsNeitherInTheWayNorTouched()
    {
        string planted = _dir.File($"starterhost.{OwnPid}");
        File.WriteAllText(planted, "planted");
        using var directory = InRuntimeDirectory();
        using var socket = directory.Open(1, 0);
        Assert.True(File.Exists(socket.Path));
        Assert.Equal("planted", File.ReadAllText(planted));
    }

    [Fact]
    public void ARuntimeDirectoryTooLongForASocketsNameIsPassedOver()
    {
        string deep = Directory.CreateDirectory(Path.Combine(_dir.Path, new string('d', 90))).FullName;
        using var directory = new NotifyDirectory(new Dictionary<string, string?> { ["RUNTIME_DIRECTORY"] = deep, ["XDG_RUNTIME_DIR"] = _dir.Path }, OwnPid);
        using var socket = directory.Open(1, 0);
        Assert.DoesNotContain(deep, socket.Path);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(socket.Path) < 108);
    }

    [Fact]
    public void RootWithoutARuntimeDirectoryUsesRunStarterhost()
    {
        Assert.True(System.Environment.IsPrivilegedProcess, "the suite runs as root (CI does)");
        using var directory = new NotifyDirectory(new Dictionary<string, string?>(), OwnPid);
        using var socket = directory.Open(1, 0);
        Assert.Equal(NotifyDirectory.RootBase, Path.GetDirectoryName(Path.GetDirectoryName(socket.Path)));
        var status = Posix.TryGetFileStatus(NotifyDirectory.RootBase);
        Assert.Equal(0u, status?.Uid);
        Assert.Equal(UnixFileMode.None, status?.Permissions & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    /// <summary>Directories named as ours in the same place, each left by a "killed" instance in one way or another.</summary>
    [Fact]
    public void OnlyDirectoriesProvablyOursAndDeadAreRemoved()
    {
        var self = NotifyDirectoryOwner.OfThisProcess()!;
        var dead = self with { Pid = 111, BootId = "an earlier boot" };
        string stale = Left("starterhost.111.aaaaaa", dead, socket: true);
        string emptyStale = Left("starterhost.111.bbbbbb", dead);
        string alive = Left($"starterhost.{self.Pid}.cccccc", self, socket: true);
        string unmarked = Left("starterhost.111.dddddd", null, socket: true);
        string otherPid = Left("starterhost.112.eeeeee", dead);
        string withAFile = Left("starterhost.111.ffffff", dead);
        File.WriteAllText(Path.Combine(withAFile, "notes"), "keep me");
        string othersDirectory = Left("starterhost.111.gggggg", dead);
        Posix.TryGetFileStatus(othersDirectory);
        PosixAccounts.ChangeOwner(othersDirectory, 65534, 65534);
        string otherName = Left("starterhost.111", dead);
        string target = Left("elsewhere", dead);
        File.CreateSymbolicLink(_dir.File("starterhost.111.hhhhhh"), target);
        var removed = new List<string>();

        using var directory = InRuntimeDirectory(removed: removed);
        using var socket = directory.Open(1, 0);

        Assert.Equal([stale, emptyStale], removed.Order());
        Assert.False(Directory.Exists(stale));
        Assert.False(Directory.Exists(emptyStale));
        Assert.All([alive, unmarked, otherPid, withAFile, othersDirectory, otherName, target], d => Assert.True(Directory.Exists(d), d));
        Assert.True(File.Exists(Path.Combine(withAFile, "notes")));
        Assert.NotNull(new FileInfo(_dir.File("starterhost.111.hhhhhh")).LinkTarget);
    }

    /// <summary>A directory as an instance leaves it: its marker (when given) and, when asked, a socket file.</summary>
    private string Left(string name, NotifyDirectoryOwner? owner, bool socket = false)
    {
        string path = Directory.CreateDirectory(_dir.File(name)).FullName;
        if (owner is not null)
            File.WriteAllText(Path.Combine(path, NotifyDirectoryOwner.FileName), owner.Compose());
        if (socket)
        {
            int fd = Posix.OpenSocket(AddressFamily.Unix, datagram: true);
            Posix.BindUnix(fd, Path.Combine(path, "notify.1.0.sock"));
            Posix.Close(fd);
        }
        return path;
    }
}
