using StarterHost.Environment;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Environment;

public sealed class EnvDirReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AValueIsItsFirstLineAsBytesUtf8OrNot()
    {
        File.WriteAllBytes(_dir.File("RAW"), [0x61, 0xFF, 0xC3, 0xA9, 0x0D, 0x0A, 0x62, 0x0A]);
        var contents = EnvDirReader.Read(_dir.Path);
        // Server::Starter: chomp, so the "\r" stays.
        Assert.Equal("a\uDCFFé\r", contents.Variables["RAW"]);
    }

    [Theory]
    [InlineData("A=B")]
    [InlineData("WITH SPACE")]
    [InlineData("NEW\nLINE")]
    [InlineData("TAB\tBED")]
    public void ANameNoVariableCanHaveIsSkippedAndNamed(string name)
    {
        File.WriteAllText(_dir.File(name), "x\n");
        File.WriteAllText(_dir.File("GOOD"), "y\n");
        File.WriteAllText(_dir.File(".hidden"), "z\n");
        var contents = EnvDirReader.Read(_dir.Path);
        Assert.Equal(["GOOD"], contents.Variables.Keys);
        Assert.Equal([_dir.File(name)], contents.Skipped);
    }
}
