namespace StarterHost.Tests.Support;

/// <summary>A fact that runs promtool: skipped, with the reason, only where Debian's prometheus package is missing.</summary>
internal sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Unavailable is { } reason)
            Skip = reason;
    }
}
