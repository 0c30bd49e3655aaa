namespace StarterHost.Tests.Support;

/// <summary>A fact that needs a new pid namespace: skipped, with the reason, only where unshare cannot make one.</summary>
internal sealed class PidNamespaceFactAttribute : FactAttribute
{
    public PidNamespaceFactAttribute()
    {
        if (PidNamespace.Unavailable is { } reason)
            Skip = reason;
    }
}
