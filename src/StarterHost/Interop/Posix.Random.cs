namespace StarterHost.Interop;

/// <summary>Random bytes from the kernel.</summary>
internal static unsafe partial class Posix
{
    /// <summary>
    /// getrandom(2): what .NET's RandomNumberGenerator gives too, but that one is OpenSSL's on Linux, and its first
    /// call loads libssl and libcrypto (3.7 MB resident, some 10 ms) into a process that needs a few bytes.
    /// </summary>
    public static void FillRandom(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            for (int done = 0; done < buffer.Length;)
            {
                nint got = Libc.GetRandom(start + done, (nuint)(buffer.Length - done), 0);
                if (got < 0)
                {
                    if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Libc.EINTR)
                        continue;
                    throw PosixException.FromLastError("getrandom");
                }
                done += (int)got;
            }
        }
    }
}
