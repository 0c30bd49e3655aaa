namespace StarterHost.Tests.Support;

/// <summary>Waits for a condition on the outside world (a file's content, a process gone) with a generous timeout.</summary>
internal static class Eventually
{
    public static T Get<T>(Func<T?> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? StarterProcess.DefaultTimeout);
        while (true)
        {
            if (probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    public static int Get(Func<int?> probe, string what, TimeSpan? timeout = null) =>
        (int)Get(() => probe() is { } value ? (object)value : null, what, timeout);

    public static void True(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Get(() => condition() ? "" : null, what, timeout);
}
