using System.Buffers;
using System.Text;

namespace StarterHost.Interop;

/// <summary>
/// Bytes that are not UTF-8 kept in a string: each such byte b becomes the lone surrogate U+DC00 + b (0x80 to 0xFF,
/// so U+DC80 to U+DCFF), and back, as Python's "surrogateescape" does (PEP 383). An environment value or an argument
/// goes to exec(2) as the bytes it came as: start_server passes them through, and .NET's own UTF-8 would make each
/// of them U+FFFD.
/// </summary>
internal static class EscapedUtf8
{
    private const char EscapeBase = '\uDC00';

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed) == OperationStatus.Done)
            {
                text.Append(rune.ToString());
                bytes = bytes[consumed..];
            }
            else
            {
                text.Append((char)(EscapeBase + bytes[0]));
                bytes = bytes[1..];
            }
        }
        return text.ToString();
    }

    /// <summary>UTF-8, but an escaped byte is that byte again (any other lone surrogate is U+FFFD, as UTF-8 has it).</summary>
    public static byte[] Encode(string text)
    {
        var bytes = new ArrayBufferWriter<byte>(text.Length + 1);
        Span<byte> utf8 = stackalloc byte[4];
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed) != OperationStatus.Done)
            {
                consumed = 1;
                char c = rest[0];
                if (c is >= '\uDC80' and <= '\uDCFF')
                {
                    bytes.Write([(byte)(c - EscapeBase)]);
                    rest = rest[1..];
                    continue;
                }
                rune = Rune.ReplacementChar;
            }
            bytes.Write(utf8[..rune.EncodeToUtf8(utf8)]);
            rest = rest[consumed..];
        }
        return bytes.WrittenSpan.ToArray();
    }
}
