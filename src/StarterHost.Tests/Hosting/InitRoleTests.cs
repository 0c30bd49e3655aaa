using StarterHost.Hosting;
using StarterHost.Signals;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Hosting;

/// <summary>What StarterHost as PID 1 forwards to its child, and how the child starts.</summary>
public sealed class InitRoleTests
{
    [Theory]
    // What StarterHost acts on.
    [InlineData("HUP", true)]
    [InlineData("INT", true)]
    [InlineData("TERM", true)]
    [InlineData("USR1", true)]
    // What does to StarterHost what it would do anywhere else (end it, or nothing).
    [InlineData("QUIT", true)]
    [InlineData("USR2", true)]
    [InlineData("TTIN", true)]
    [InlineData("TTOU", true)]
    [InlineData("WINCH", true)]
    // PID 1's own: its children's exits, a terminal's job control, faults, and what an operator does not send.
    [InlineData("CHLD", false)]
    [InlineData("TSTP", false)]
    [InlineData("CONT", false)]
    [InlineData("KILL", false)]
    [InlineData("STOP", false)]
    [InlineData("SEGV", false)]
    [InlineData("PIPE", false)]
    [InlineData("ALRM", false)]
    public void ForwardsWhatAnOperatorSends(string name, bool forwarded)
    {
        Assert.True(SignalNames.TryParse(name, out int signal));
        Assert.Equal(forwarded, InitRole.ForwardedSignals.Contains(signal));
    }

    [Fact]
    public void TheChildStartsMarkedWithTheForwardedSignalsHeldBack()
    {
        using var dir = new TempDirectory();
        string report = dir.File("report");
        // Perl, not a shell: dash clears its signal mask as it starts.
        using var child = InitRole.StartChild(["perl", "-e",
            $"open my $s, '<', '/proc/self/status'; open my $o, '>', '{report}'; print $o grep /^SigBlk/, <$s>; print $o \"$ENV{{{InitRole.ChildVariable}}}\\n\""]);
        child.WaitForExit();

        string[] lines = File.ReadAllLines(report);
        ulong blocked = Convert.ToUInt64(lines[0].Split('\t')[^1], 16);
        ulong forwarded = InitRole.ForwardedSignals.Aggregate(0UL, (mask, signal) => mask | 1UL << (signal - 1));
        Assert.Equal(forwarded, blocked);
        Assert.Equal("1", lines[1]);
    }
}
