namespace StarterHost.Metrics;

/// <summary>What one client may cost the endpoint: a slow or hostile one must not stall the loop or hold it for long.</summary>
/// <param name="MaxConnections">Scrapes served at once; one more is closed as soon as it is accepted.</param>
/// <param name="RequestDeadline">How long a client may take, from its accept, to send its request's head.</param>
/// <param name="AnswerDeadline">How long an answer the socket could not take at once may wait for the client to read it.</param>
internal sealed record ScrapeLimits(int MaxConnections, TimeSpan RequestDeadline, TimeSpan AnswerDeadline)
{
    /// <summary>
    /// 16 connections: Prometheus makes one per target and scrape interval, so more would be a client gone wrong.
    /// 1 s for the request: Prometheus's takes one packet. 5 s for an answer of a few kilobytes.
    /// </summary>
    public static ScrapeLimits Default { get; } = new(16, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
}
