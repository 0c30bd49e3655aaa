namespace StarterHost.Readiness;

/// <summary>
/// One sd_notify(3) datagram: newline-separated VARIABLE=value assignments. Of these only READY=1 and
/// STATUS= mean something to a superdaemon; the rest (MAINPID=, WATCHDOG=1, RELOADING=1…) are ignored.
/// </summary>
internal readonly record struct NotifyMessage(bool Ready, string? Status)
{
    public static NotifyMessage Parse(ReadOnlySpan<char> datagram)
    {
        bool ready = false;
        string? status = null;
        foreach (var range in datagram.Split('\n'))
        {
            var line = datagram[range];
            if (line.SequenceEqual("READY=1"))
                ready = true;
            else if (line.StartsWith("STATUS="))
                status = line["STATUS=".Length..].ToString();
        }
        return new NotifyMessage(ready, status);
    }
}
