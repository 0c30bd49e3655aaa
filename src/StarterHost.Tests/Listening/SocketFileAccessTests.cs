using StarterHost.Listening;

namespace StarterHost.Tests.Listening;

public sealed class SocketFileAccessTests
{
    [Theory]
    [InlineData(null, null, 0x1FF, null, null)]
    [InlineData("0660", null, 0x1B0, null, null)]
    [InlineData("660", null, 0x1B0, null, null)]
    [InlineData("0", null, 0, null, null)]
    [InlineData(null, "root", 0x1FF, 0u, null)]
    [InlineData(null, "root:", 0x1FF, 0u, 0u)]
    [InlineData(null, "root:daemon", 0x1FF, 0u, 1u)]
    [InlineData(null, ":daemon", 0x1FF, null, 1u)]
    [InlineData(null, "0:1", 0x1FF, 0u, 1u)]
    public void ModeAndOwnerParse(string? mode, string? owner, int bits, uint? uid, uint? gid) =>
        Assert.Equal(new SocketFileAccess((UnixFileMode)bits, uid, gid), SocketFileAccess.Parse(mode, owner));

    [Theory]
    [InlineData("0778", null, "Starter:PathMode=0778 (--path-mode): expected an octal mode from 0 to 0777, such as 0660")]
    [InlineData("1777", null, "Starter:PathMode=1777 (--path-mode): expected an octal mode")]
    [InlineData("rw", null, "Starter:PathMode=rw (--path-mode): expected an octal mode")]
    [InlineData("", null, "Starter:PathMode= (--path-mode): expected an octal mode")]
    [InlineData(null, ":", "Starter:PathOwner=: (--path-owner): expected USER, USER:GROUP or :GROUP")]
    [InlineData(null, "no-such-user-4711", "Starter:PathOwner=no-such-user-4711 (--path-owner): unknown user no-such-user-4711")]
    [InlineData(null, "root:no-such-group-4711", "Starter:PathOwner=root:no-such-group-4711 (--path-owner): unknown group no-such-group-4711")]
    public void ABadValueIsNamed(string? mode, string? owner, string message) =>
        Assert.StartsWith(message, Assert.Throws<FormatException>(() => SocketFileAccess.Parse(mode, owner)).Message);
}
