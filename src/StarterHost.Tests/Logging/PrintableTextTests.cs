using StarterHost.Logging;

namespace StarterHost.Tests.Logging;

/// <summary>A worker's text in a log line, on a terminal and in STATUS=: nothing it contains acts, and it is cut where it must be.</summary>
public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("serving 12 requests/s", "serving 12 requests/s")]
    [InlineData("red \u001b[31mALERT\u001b[0m", @"red \x1b[31mALERT\x1b[0m")]
    [InlineData("over\rwritten", @"over\rwritten")]
    [InlineData("two\nlines", @"two\nlines")]
    [InlineData("tab\tbell\u0007nul\0del\u007f", @"tab\tbell\x07nul\x00del\x7f")]
    [InlineData("c1 \u009b31m", @"c1 \x9b31m")]
    [InlineData("file\u202Etxt.exe", @"file\u202etxt.exe")]
    [InlineData("isolate\u2066x\u2069", @"isolate\u2066x\u2069")]
    [InlineData("ünïcödé ✓ and a back\\slash", "ünïcödé ✓ and a back\\slash")]
    public void ControlCharactersAreEscapedAndTheRestKept(string text, string expected) =>
        Assert.Equal(expected, PrintableText.Escape(text));

    [Fact]
    public void ALongTextIsCutAndMarked()
    {
        string cut = PrintableText.Escape(new string('a', 500), 200);
        Assert.Equal(new string('a', 200) + PrintableText.CutMark, cut);
        Assert.Equal(new string('a', 200), PrintableText.Escape(new string('a', 200), 200));
    }

    [Fact]
    public void AnEscapeIsNeverCutInTwoNorASurrogatePair()
    {
        Assert.Equal("abc" + PrintableText.CutMark, PrintableText.Escape("abc\u001bdef", 5));
        Assert.Equal("ab" + PrintableText.CutMark, PrintableText.Escape("ab\U0001F600", 3));
    }
}
