namespace StarterHost.Readiness;

/// <summary>
/// Who may speak for a worker on its notify socket: the worker and the processes of its process group (each
/// worker leads its own), as systemd's NotifyAccess=all does for a unit's cgroup. Anyone else who can reach
/// the socket (any process of the same user; any at all for root) could otherwise send READY=1 for a starting
/// generation and retire the serving one early. A sender that has exited by the time its datagram is read
/// cannot be placed in a group: it is refused, unless it was the worker itself.
/// </summary>
internal static class NotifyAccess
{
    /// <param name="processGroupOf">getpgid(2): null when the process is gone.</param>
    public static bool Allows(int workerPid, int senderPid, Func<int, int?> processGroupOf) =>
        senderPid > 0 && (senderPid == workerPid || processGroupOf(senderPid) == workerPid);
}
