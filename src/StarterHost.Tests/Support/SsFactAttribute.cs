namespace StarterHost.Tests.Support;

/// <summary>A fact that runs ss (iproute2): skipped, with the reason, only where it is missing.</summary>
internal sealed class SsFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/ss";

    public SsFactAttribute()
    {
        if (!File.Exists(Path))
            Skip = $"no {Path} here (apt-get install iproute2)";
    }
}
