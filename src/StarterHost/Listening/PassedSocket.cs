using System.Net;
using System.Net.Sockets;

namespace StarterHost.Listening;

/// <summary>A socket the service manager passed (socket activation): its fd, its FileDescriptorName=, what it is bound to.</summary>
internal sealed record PassedSocket(int Fd, string? Name, SocketType Type, EndPoint? Bound)
{
    /// <summary>How log and error lines name it: "fd 3 (web.socket, 127.0.0.1:8080)".</summary>
    public string Display => $"fd {Fd} ({(Name is null ? "" : Name + ", ")}{Bound?.ToString() ?? "unbound"})";
}
