using StarterHost.Logging;

namespace StarterHost.Readiness;

/// <summary>
/// One sd_notify(3) datagram: newline-separated VARIABLE=value assignments. Of these READY=1, STATUS= and
/// (with <c>--worker-watchdog</c>) WATCHDOG=1 and WATCHDOG=trigger mean something to a superdaemon; the rest
/// (MAINPID=, RELOADING=1, WATCHDOG_USEC=…) are ignored.
/// </summary>
/// <param name="Status">The worker's STATUS=, printable (see <see cref="PrintableText"/>) and at most <see cref="MaxStatusLength"/> characters.</param>
internal readonly record struct NotifyMessage(bool Ready, string? Status, Generations.WatchdogMessage Watchdog = Generations.WatchdogMessage.None)
{
    /// <summary>What of a STATUS= is kept: a line of <c>systemctl status</c> and of the log, not a dump.</summary>
    public const int MaxStatusLength = 200;

    public static NotifyMessage Parse(ReadOnlySpan<char> datagram)
    {
        bool ready = false;
        string? status = null;
        var watchdog = Generations.WatchdogMessage.None;
        foreach (var range in datagram.Split('\n'))
        {
            var line = datagram[range];
            if (line.SequenceEqual("READY=1"))
                ready = true;
            else if (line.StartsWith("STATUS="))
                status = PrintableText.Escape(line["STATUS=".Length..].ToString(), MaxStatusLength);
            else if (line.SequenceEqual("WATCHDOG=trigger"))
                watchdog = Generations.WatchdogMessage.Trigger;
            else if (line.SequenceEqual("WATCHDOG=1") && watchdog == Generations.WatchdogMessage.None)
                watchdog = Generations.WatchdogMessage.Ping;
        }
        return new NotifyMessage(ready, status, watchdog);
    }
}
