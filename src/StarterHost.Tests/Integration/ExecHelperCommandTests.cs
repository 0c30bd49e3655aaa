using StarterHost.Tests.Support;
using StarterHost.Workers;

namespace StarterHost.Tests.Integration;

public sealed class ExecHelperCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static readonly string[] Self = ["/usr/bin/dotnet", "/opt/starterhost/StarterHost.dll"];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheNativeHelperBesideStarterHostIsTheHelper()
    {
        string native = _dir.File(ExecHelperCommand.NativeName);
        File.WriteAllText(native, "");
        File.SetUnixFileMode(native, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        Assert.Equal([native], ExecHelperCommand.Get(_dir.Path, () => Self));
    }

    [Fact]
    public void WithoutItStarterHostRunsItselfInExecWorkerMode()
    {
        Assert.Equal([.. Self, "--exec-worker"], ExecHelperCommand.Get(_dir.Path, () => Self));
    }

    [Fact]
    public void ANativeHelperThatCannotBeExecutedIsPassedOver()
    {
        File.WriteAllText(_dir.File(ExecHelperCommand.NativeName), "");

        Assert.Equal([.. Self, "--exec-worker"], ExecHelperCommand.Get(_dir.Path, () => Self));
    }

    [Fact]
    public void TheBuildPutsTheNativeHelperBesideStarterHost()
    {
        Assert.Equal([Path.Combine(AppContext.BaseDirectory, ExecHelperCommand.NativeName)], ExecHelperCommand.Get());
    }
}
