using StarterHost.Interop;
using StarterHost.Tests.Support;
using StarterHost.Upgrade;

namespace StarterHost.Tests.Upgrade;

/// <summary>What an upgrade executes: the program as it was started, by a path that picks up a file renamed over it.</summary>
public sealed class ImageLocationTests
{
    private const string Deb = "/usr/lib/starterhost/starterhost";
    private const string ToolStore = "/root/.dotnet/tools/.store/starterhost/1.0.0/starterhost.linux-x64/1.0.0/tools/any/linux-x64/StarterHost";
    private const string DotnetHost = "/usr/share/dotnet/dotnet";

    // Which paths name one file here: the deb's link in /usr/bin, the tool's command link, dotnet's link, the dll.
    private static readonly string[][] SameFiles =
    [
        [Deb, "/usr/bin/starterhost"],
        [ToolStore, "/root/.dotnet/tools/starterhost"],
        ["/srv/app/bin/StarterHost"],
        [DotnetHost, "/usr/bin/dotnet"],
        ["/srv/app/bin/StarterHost.dll", "/srv/app/current/StarterHost.dll"],
    ];

    private static bool IsSameFile(string a, string b) => SameFiles.Any(files => files.Contains(a) && files.Contains(b));

    private static ImageLocation Resolve(string[] commandLine, string[] starterArguments, string runningProgram,
        string entryAssembly = "/srv/app/bin/StarterHost.dll", string path = "/usr/local/bin:/usr/bin:/root/.dotnet/tools", string[]? environment = null) =>
        ImageLocation.Resolve(commandLine, starterArguments, "/srv/app", path, environment ?? ["PATH=/usr/bin"], runningProgram, entryAssembly, IsSameFile);

    [Fact]
    public void ADebsBinaryRunFromPathIsExecutedThroughItsLink()
    {
        var image = Resolve(["starterhost", "--port=80", "--", "app"], ["--port=80", "--", "app"], Deb);

        Assert.Equal("/usr/bin/starterhost", image.Executable);
        Assert.Equal(["starterhost", "--port=80", "--", "app"], image.Arguments);
        Assert.Equal(1, image.ProgramLength);
        Assert.Equal(["--port=80", "--", "app"], image.StarterArguments);
    }

    [Fact]
    public void TheDotnetToolIsExecutedThroughItsCommandNotItsVersionedStore()
    {
        var image = Resolve(["starterhost", "--port=80"], ["--port=80"], ToolStore);

        Assert.Equal("/root/.dotnet/tools/starterhost", image.Executable);
    }

    [Fact]
    public void ARelativePathIsMadeAbsoluteAgainstTheWorkingDirectoryAtStart()
    {
        var image = Resolve(["./bin/StarterHost", "--port=80"], ["--port=80"], "/srv/app/bin/StarterHost");

        Assert.Equal("/srv/app/bin/StarterHost", image.Executable);
        Assert.Equal(["./bin/StarterHost", "--port=80"], image.Arguments);
    }

    [Fact]
    public void AnArgv0ThatIsNotTheRunningProgramLeavesTheProgramsOwnPath()
    {
        // systemd's ExecStart=@/usr/bin/starterhost web, or exec -a: argv[0] is a name, not a path to the program.
        var image = Resolve(["web", "--port=80"], ["--port=80"], Deb);

        Assert.Equal(Deb, image.Executable);
        Assert.Equal(["web", "--port=80"], image.Arguments);
    }

    [Fact]
    public void TheDllFormKeepsTheHostItsOptionsAndTheDllMadeAbsolute()
    {
        var image = Resolve(["dotnet", "exec", "--roll-forward", "Major", "current/StarterHost.dll", "--port=80"], ["--port=80"],
            DotnetHost);

        Assert.Equal("/usr/bin/dotnet", image.Executable);
        Assert.Equal(["dotnet", "exec", "--roll-forward", "Major", "/srv/app/current/StarterHost.dll", "--port=80"], image.Arguments);
        Assert.Equal(5, image.ProgramLength);
    }

    [Fact]
    public void ACommandLineThatDoesNotEndWithTheArgumentsFallsBackToTheRunningProgram()
    {
        var native = Resolve(["starterhost: serving"], ["--port=80"], Deb);
        var dll = Resolve(["dotnet"], ["--port=80"], DotnetHost);

        Assert.Equal([Deb, "--port=80"], native.Arguments);
        Assert.Equal(Deb, native.Executable);
        Assert.Equal([DotnetHost, "/srv/app/bin/StarterHost.dll", "--port=80"], dll.Arguments);
        Assert.Equal(2, dll.ProgramLength);
    }

    [Fact]
    public void EmptyArgumentsStay()
    {
        var image = Resolve(["starterhost", "", "--port=80", ""], ["", "--port=80", ""], Deb);

        Assert.Equal(["starterhost", "", "--port=80", ""], image.Arguments);
    }

    [Fact]
    public void TheEnvironmentIsKeptButForTheHandedState()
    {
        var image = Resolve(["starterhost"], [], Deb, environment: ["B=2", $"{StateHandoff.Variable}=5", "A=1", "EMPTY="]);

        Assert.Equal(["B=2", "A=1", "EMPTY="], image.Environment);
    }

    [Fact]
    public void AnotherProgramReplacesTheProgramsPartOnly()
    {
        var native = Resolve(["starterhost", "--port=80"], ["--port=80"], Deb).WithProgram("/opt/new/starterhost");
        var dll = Resolve(["dotnet", "bin/StarterHost.dll", "--port=80"], ["--port=80"], DotnetHost).WithProgram("/opt/new/StarterHost.dll");

        Assert.Equal("/opt/new/starterhost", native.Executable);
        Assert.Equal(["/opt/new/starterhost", "--port=80"], native.Arguments);
        Assert.Equal("/usr/bin/dotnet", dll.Executable);
        Assert.Equal(["dotnet", "/opt/new/StarterHost.dll", "--port=80"], dll.Arguments);
        var refused = Assert.Throws<ArgumentException>(() => Resolve(["starterhost"], [], Deb).WithProgram("/opt/new/StarterHost.dll"));
        Assert.Equal("/opt/new/StarterHost.dll is a .dll, but StarterHost was not started by the dotnet host (dotnet StarterHost.dll) to run it with", refused.Message);
    }

    [Theory]
    [InlineData(new byte[] { }, new string[] { })]
    [InlineData(new byte[] { (byte)'a', 0 }, new[] { "a" })]
    [InlineData(new byte[] { (byte)'a', 0, 0, (byte)'b', 0 }, new[] { "a", "", "b" })]
    [InlineData(new byte[] { (byte)'a', 0, (byte)'b' }, new[] { "a", "b" })]
    public void ProcFilesSplitOnNul(byte[] contents, string[] strings)
    {
        Assert.Equal(strings, ImageLocation.SplitNulTerminated(contents));
    }

    [Fact]
    public void BytesThatAreNotUtf8AreKeptForTheExec()
    {
        byte[] latin1 = [(byte)'X', (byte)'=', 0xE9, 0];

        string variable = Assert.Single(ImageLocation.SplitNulTerminated(latin1));

        Assert.Equal(latin1[..^1], EscapedUtf8.Encode(variable));
    }

    [Fact]
    public void AtStartReadsTheCommandLineAsTheKernelGotIt()
    {
        // "dotnet StarterHost.Tests.dll …", found on PATH, with the dll relative to the working directory.
        string dll = Path.GetFileName(typeof(ImageLocationTests).Assembly.Location);
        string dotnet = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(directory => Path.Combine(directory, "dotnet")).First(File.Exists);
        var child = ChildProgram.RunCommand(["dotnet", dll, "child", "image-location", "a", "", "b"], AppContext.BaseDirectory);

        Assert.Equal("", child.Stderr);
        Assert.Equal([dotnet, $"dotnet|{Path.Combine(AppContext.BaseDirectory, dll)}|child|image-location|a||b", "2", ""], child.Stdout.Split('\n'));
    }

    /// <summary>child image-location ARGS…: prints its image's executable, argv (joined by '|') and the program's length.</summary>
    internal static int AtStartChild(string[] args)
    {
        var image = ImageLocation.AtStart(["child", "image-location", .. args]);
        Console.WriteLine(image.Executable);
        Console.WriteLine(string.Join('|', image.Arguments));
        Console.WriteLine(image.ProgramLength);
        return 0;
    }
}
