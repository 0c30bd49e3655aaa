using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting.Systemd;
using StarterHost.Interop;

namespace StarterHost.Systemd;

/// <summary>
/// sd_notify(3) datagrams to the NOTIFY_SOCKET given (a path, or an abstract "@name"), through a bare socket
/// of its own: Microsoft's SystemdNotifier creates a System.Net.Sockets.Socket, which starts the runtime's
/// socket engine thread for the life of the process. The socket, opened at the first send, is kept for
/// the life of the process too (close-on-exec, so no worker inherits it).
/// </summary>
internal sealed class DatagramNotifier(string? socketName) : ISystemdNotifier
{
    private int _fd = -1;

    public bool IsEnabled => !string.IsNullOrEmpty(socketName);

    /// <exception cref="PosixException">The datagram could not be sent.</exception>
    public void Notify(ServiceState state)
    {
        if (!IsEnabled)
            return;
        if (_fd < 0)
            _fd = Posix.OpenSocket(AddressFamily.Unix, datagram: true);
        Posix.SendToUnix(_fd, socketName!, Encoding.UTF8.GetBytes(state.ToString()));
    }
}
