using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>A failed system call, named with its argument and the errno text, as start_server reports them.</summary>
internal sealed class PosixException(string call, int errno)
    : Exception($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}")
{
    public int Errno { get; } = errno;

    public static PosixException FromLastError(string call) => new(call, Marshal.GetLastPInvokeError());
}
