using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using StarterHost.Readiness;
using NotifySocket = StarterHost.Readiness.NotifySocket;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Readiness;

/// <summary>A notify socket with real senders: who sent each datagram, and nothing a sender passes along is kept.</summary>
public sealed class NotifySocketTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Send(string path, string text)
    {
        using var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        sender.SendTo(Encoding.UTF8.GetBytes(text), new UnixDomainSocketEndPoint(path));
    }

    [Fact]
    public void EachDatagramComesWithItsSendersPidAndNoMoreThanAskedAreRead()
    {
        using var socket = new NotifySocket(_dir.File("n.sock"));
        for (int i = 1; i <= 3; i++)
            Send(socket.Path, $"STATUS=step {i}");

        var first = socket.Receive(2);
        var rest = socket.Receive(10);

        Assert.Equal([new NotifyDatagram(System.Environment.ProcessId, new NotifyMessage(false, "step 1")), new NotifyDatagram(System.Environment.ProcessId, new NotifyMessage(false, "step 2"))], first);
        Assert.Equal([new NotifyDatagram(System.Environment.ProcessId, new NotifyMessage(false, "step 3"))], rest);
        Assert.Empty(socket.Receive(10));
    }

    [Fact]
    public void AnotherProcessIsNamedByItsOwnPid()
    {
        using var socket = new NotifySocket(_dir.File("n.sock"));
        using var sender = Process.Start("/usr/bin/python3", ["-c", "import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', sys.argv[1])", socket.Path])!;
        int pid = sender.Id;
        Assert.True(sender.WaitForExit(StarterProcess.DefaultTimeout));

        Assert.Equal([new NotifyDatagram(pid, new NotifyMessage(true, null))], socket.Receive(10));
    }

    /// <summary>
    /// A sender passes its stdout, our pipe, along with READY=1 (SCM_RIGHTS). Had the socket installed it, a copy
    /// of the pipe's write end would live on here and the pipe would never reach end of file.
    /// </summary>
    [Fact]
    public async Task DescriptorsPassedAlongAreNotKept()
    {
        using var socket = new NotifySocket(_dir.File("n.sock"));
        var info = new ProcessStartInfo("/usr/bin/python3", ["-c", "import array, socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendmsg([b'READY=1'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [1, 1, 1]))], 0, sys.argv[1])", socket.Path])
        {
            RedirectStandardOutput = true,
        };
        using var sender = Process.Start(info)!;
        Assert.True(sender.WaitForExit(StarterProcess.DefaultTimeout));
        Assert.Equal(0, sender.ExitCode);

        Assert.Equal([new NotifyDatagram(sender.Id, new NotifyMessage(true, null))], socket.Receive(10));
        var endOfFile = sender.StandardOutput.ReadToEndAsync();
        Assert.True(await Task.WhenAny(endOfFile, Task.Delay(StarterProcess.DefaultTimeout)) == endOfFile, "a copy of the sender's stdout stayed open here");
    }
}
