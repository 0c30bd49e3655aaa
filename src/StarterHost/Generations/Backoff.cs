namespace StarterHost.Generations;

/// <summary>
/// How long to wait before the next attempt after consecutive failed starts: einhorn and systemd's
/// restart rate limit, rather than start_server's respawn at once (121 spawns a second with --interval=0).
/// The first retry is immediate, as in start_server, so a one-off failure costs nothing; then 0.5 s,
/// doubling, up to the cap, each ±20 % so that many supervisors failing together do not retry in step.
/// </summary>
internal static class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);

    /// <summary>The delay after the <paramref name="failures"/>-th failure in a row, and the next jitter state.</summary>
    public static (TimeSpan Delay, uint NextSeed) After(int failures, TimeSpan max, uint seed)
    {
        if (failures < 2 || max <= TimeSpan.Zero)
            return (TimeSpan.Zero, seed);
        int doublings = Math.Min(failures - 2, 30);
        var nominal = First * Math.Pow(2, doublings);
        if (nominal > max)
            nominal = max;
        uint next = XorShift(seed);
        // A factor in (0.8, 1.2] (xorshift32 never returns 0, and can return uint.MaxValue), then capped again: the cap is a promise.
        double factor = Jitter(next, 0.8, 0.4);
        var delay = nominal * factor;
        return (delay > max ? max : delay, next);
    }

    /// <summary>
    /// A value in (<paramref name="low"/>, <paramref name="low"/> + <paramref name="width"/>] drawn from a
    /// state of <see cref="XorShift"/>: the one formula every jitter in the machine uses.
    /// </summary>
    internal static double Jitter(uint seed, double low, double width) => low + width * (seed / (double)uint.MaxValue);

    /// <summary>Marsaglia's xorshift32: deterministic, so the machine stays a pure function of its events.</summary>
    internal static uint XorShift(uint x)
    {
        if (x == 0)
            x = 0x9E3779B9;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return x;
    }
}
