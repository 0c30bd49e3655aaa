using System.Text;
using StarterHost.Interop;
using StarterHost.Tests.Support;
using StarterHost.Upgrade;

namespace StarterHost.Tests.Upgrade;

/// <summary>The state handed across an upgrade: versioned bytes in a sealed memfd, found by number, refused whole when anything is off.</summary>
public sealed class StateHandoffTests
{
    private static readonly byte[] Json = Encoding.UTF8.GetBytes("""{"generation":7,"name":"über"}""");

    [Fact]
    public void WhatIsWrittenIsReadBack()
    {
        int fd = StateHandoff.Write(3, Json);
        try
        {
            var (version, json) = StateHandoff.Read(fd);
            Assert.Equal(3, version);
            Assert.Equal(Json, json);
            Assert.Equal($"/memfd:{StateHandoff.MemfdName} (deleted)", Posix.DescriptorTarget(fd));
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Theory]
    [InlineData("", "it does not start with a \"starterhost-state VERSION LENGTH\" line")]
    [InlineData("{\"generation\":7}", "it does not start with a \"starterhost-state VERSION LENGTH\" line")]
    [InlineData("starterhost-state 3 2\n{}extra", "it says 2 bytes of JSON but holds 7")]
    [InlineData("starterhost-state 3 9\n{}", "it says 9 bytes of JSON but holds 2")]
    [InlineData("starterhost-state 0 2\n{}", "its schema version \"0\" is not a positive number")]
    [InlineData("starterhost-state -3 2\n{}", "its schema version \"-3\" is not a positive number")]
    [InlineData("starterhost-state three 2\n{}", "its schema version \"three\" is not a positive number")]
    [InlineData("starterhost-state 3 two\n{}", "its length \"two\" is not a number")]
    [InlineData("starterhost-state 3 2 1\n{}", "it does not start with a \"starterhost-state VERSION LENGTH\" line")]
    [InlineData("other-state 3 2\n{}", "it does not start with a \"starterhost-state VERSION LENGTH\" line")]
    public void AMalformedStateIsRefusedInOneLine(string contents, string why)
    {
        int fd = Posix.CreateSealedMemfd(StateHandoff.MemfdName, Encoding.UTF8.GetBytes(contents));
        try
        {
            var refused = Assert.Throws<HandoffException>(() => StateHandoff.Read(fd));
            Assert.Equal($"the upgrade state in fd {fd} is malformed: {why}", refused.Message);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Fact]
    public void JsonThatIsNotUtf8IsRefused()
    {
        int fd = Posix.CreateSealedMemfd(StateHandoff.MemfdName, [.. "starterhost-state 3 2\n"u8, 0xC3, 0x28]);
        try
        {
            var refused = Assert.Throws<HandoffException>(() => StateHandoff.Read(fd));
            Assert.Equal($"the upgrade state in fd {fd} is malformed: its JSON is not UTF-8", refused.Message);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Fact]
    public void AnFdThatIsNotTheSealedStateIsRefused()
    {
        var (read, write) = Posix.OpenPipe();
        try
        {
            var refused = Assert.Throws<HandoffException>(() => StateHandoff.Read(read));
            Assert.Matches($@"^the upgrade state cannot be read: fd {read} is not a memfd \(pipe:\[\d+\]\)$", refused.Message);
        }
        finally
        {
            Posix.Close(read);
            Posix.Close(write);
        }
    }

    [Fact]
    public void TakeReadsTheStateNamedInTheEnvironmentThenClosesAndForgetsIt()
    {
        int fd = StateHandoff.Write(2, Json);
        System.Environment.SetEnvironmentVariable(StateHandoff.Variable, fd.ToString());

        var taken = StateHandoff.Take();

        Assert.Equal(2, taken?.SchemaVersion);
        Assert.Equal(Json, taken?.Json);
        Assert.Null(System.Environment.GetEnvironmentVariable(StateHandoff.Variable));
        Assert.NotEqual($"/memfd:{StateHandoff.MemfdName} (deleted)", Posix.DescriptorTarget(fd));
        // An ordinary start: nothing to take.
        Assert.Null(StateHandoff.Take());
    }

    [Fact]
    public void AVariableThatIsNotANumberIsRefused()
    {
        System.Environment.SetEnvironmentVariable(StateHandoff.Variable, "seven");
        try
        {
            var refused = Assert.Throws<HandoffException>(() => StateHandoff.Take());
            Assert.Equal($"{StateHandoff.Variable} is \"seven\", not a descriptor number", refused.Message);
            Assert.Null(System.Environment.GetEnvironmentVariable(StateHandoff.Variable));
        }
        finally
        {
            System.Environment.SetEnvironmentVariable(StateHandoff.Variable, null);
        }
    }

    [Fact]
    public void TheStateCrossesAnExecIntoANewImage()
    {
        var child = ChildProgram.Run("handoff-send", [Encoding.UTF8.GetString(Json)]);

        Assert.Equal("", child.Stderr);
        Assert.Equal(["version 5", Encoding.UTF8.GetString(Json), "variable gone: True", "memfd closed: True"], child.Lines);
    }

    /// <summary>child handoff-send JSON: hands JSON (version 5) to a new image of this program, execed in place.</summary>
    internal static int SendChild(string[] args)
    {
        int fd = StateHandoff.Write(5, Encoding.UTF8.GetBytes(args[0]));
        Posix.InheritOnly([fd]);
        string[] environment = [.. System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Select(name => $"{name}={System.Environment.GetEnvironmentVariable(name)}"), $"{StateHandoff.Variable}={fd}"];
        Posix.Exec(System.Environment.ProcessPath!, ChildProgram.Command("handoff-receive"), environment);
        return 1;
    }

    /// <summary>child handoff-receive: takes the state handed over and prints it.</summary>
    internal static int ReceiveChild(string[] args)
    {
        string fd = System.Environment.GetEnvironmentVariable(StateHandoff.Variable) ?? "";
        var (version, json) = StateHandoff.Take() ?? throw new InvalidOperationException("no state handed over");
        bool closed = !Posix.IsOpen(int.Parse(fd));
        Console.WriteLine($"version {version}");
        Console.WriteLine(Encoding.UTF8.GetString(json));
        Console.WriteLine($"variable gone: {System.Environment.GetEnvironmentVariable(StateHandoff.Variable) is null}");
        Console.WriteLine($"memfd closed: {closed}");
        return 0;
    }
}
