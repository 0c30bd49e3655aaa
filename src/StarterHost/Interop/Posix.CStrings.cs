using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>C strings, and NULL-terminated arrays of them, in native memory the caller frees.</summary>
internal static unsafe partial class Posix
{
    /// <summary>A C string of <paramref name="value"/>'s bytes: UTF-8, with bytes that were not UTF-8 restored (see <see cref="EscapedUtf8"/>).</summary>
    private static byte* Utf8(string value, List<IntPtr> owned)
    {
        byte[] bytes = EscapedUtf8.Encode(value);
        byte* p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        owned.Add((IntPtr)p);
        return p;
    }

    private static byte** NullTerminated(IReadOnlyList<string> values, List<IntPtr> owned)
    {
        byte** array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        owned.Add((IntPtr)array);
        for (int i = 0; i < values.Count; i++)
            array[i] = Utf8(values[i], owned);
        return array;
    }
}
