using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>A failed system call, named with its argument and the errno text, as start_server reports them.</summary>
internal sealed class PosixException(string call, int errno)
    : Exception($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}")
{
    public int Errno { get; } = errno;

    /// <summary>The errno text alone ("No such file or directory"), without the call that got it.</summary>
    public string Reason => Marshal.GetPInvokeErrorMessage(Errno);

    public static PosixException FromLastError(string call) => new(call, Marshal.GetLastPInvokeError());
}
