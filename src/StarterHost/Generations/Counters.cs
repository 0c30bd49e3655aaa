namespace StarterHost.Generations;

/// <summary>Counts since StarterHost started, as <c>--status-json</c> reports them (and metrics will).</summary>
/// <param name="Starts">Generations accepted: the first start and every one after it. 0 while nothing has served.</param>
/// <param name="Restarts">Restarts begun: a HUP (after its check passed) or an auto-restart.</param>
/// <param name="Failures">Failed starts, crashes and refused checks.</param>
internal sealed record Counters(int Starts = 0, int Restarts = 0, int Failures = 0);
