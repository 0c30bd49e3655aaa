using System.Text.RegularExpressions;
using StarterHost.Interop;

namespace StarterHost.Tests.Environment;

/// <summary>Bytes that are not UTF-8 survive a string: decoded to U+DC80–U+DCFF, encoded back to themselves.</summary>
public sealed class EscapedUtf8Tests
{
    [Theory]
    [InlineData(new byte[] { 0x61, 0x62 }, "ab")]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 }, "café")]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x92, 0xA1 }, "💡")]
    // Escaped, as "\\uDCFF": an attribute's string is stored as UTF-8, which has no lone surrogate.
    [InlineData(new byte[] { 0x61, 0xFF, 0x62 }, "a\\uDCFFb")]
    [InlineData(new byte[] { 0xC3 }, "\\uDCC3")] // a sequence cut short
    [InlineData(new byte[] { 0xC3, 0x28 }, "\\uDCC3(")] // a lead byte without its continuation
    [InlineData(new byte[] { 0xE9, 0x74, 0xE9 }, "\\uDCE9t\\uDCE9")] // Latin-1 "été"
    [InlineData(new byte[] { 0xED, 0xB3, 0xBF }, "\\uDCED\\uDCB3\\uDCBF")] // an encoded surrogate is not UTF-8 either
    [InlineData(new byte[0], "")]
    public void DecodesEachByteThatIsNotUtf8ToAnEscapeAndEncodesItBack(byte[] bytes, string escaped)
    {
        string text = Regex.Unescape(escaped);
        Assert.Equal(text, EscapedUtf8.Decode(bytes));
        Assert.Equal(bytes, EscapedUtf8.Encode(text));
    }

    [Fact]
    public void EveryByteStringRoundTrips()
    {
        var random = new Random(17);
        for (int i = 0; i < 1000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 24)];
            random.NextBytes(bytes);
            Assert.Equal(bytes, EscapedUtf8.Encode(EscapedUtf8.Decode(bytes)));
        }
    }

    [Fact]
    public void ALoneSurrogateThatIsNoEscapeIsEncodedAsTheReplacementCharacter() =>
        Assert.Equal(new byte[] { 0x61, 0xEF, 0xBF, 0xBD }, EscapedUtf8.Encode("a\uD800"));
}
