using StarterHost.Readiness;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Readiness;

/// <summary>One notify socket per worker, named by generation and slot, never taken over from a live worker.</summary>
public sealed class NotifyDirectoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ASlotsReplacementGetsASocketOfItsOwnWhileItsPredecessorHoldsTheFirst()
    {
        using var directory = new NotifyDirectory(new Dictionary<string, string?> { ["RUNTIME_DIRECTORY"] = _dir.Path }, 4242);
        using var first = directory.Open(4, 2);
        using var other = directory.Open(4, 3);
        using var replacement = directory.Open(4, 2);
        Assert.Equal("notify.4.2.sock", Path.GetFileName(first.Path));
        Assert.Equal("notify.4.3.sock", Path.GetFileName(other.Path));
        Assert.Equal("notify.4.2.1.sock", Path.GetFileName(replacement.Path));
        Assert.True(File.Exists(first.Path));
        first.Dispose();
        using var later = directory.Open(4, 2);
        Assert.Equal("notify.4.2.sock", Path.GetFileName(later.Path));
    }
}
