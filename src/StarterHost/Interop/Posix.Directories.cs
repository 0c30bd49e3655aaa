using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>A directory's entries counted by name alone (see Libc.Directories.cs).</summary>
internal static unsafe partial class Posix
{
    /// <summary>
    /// How many entries <paramref name="path"/> holds, "." and ".." left out. Of /proc/self/fd, this counts the
    /// descriptor opendir(3) holds while it reads too (close-on-exec, as glibc opens it).
    /// </summary>
    public static int CountEntries(string path)
    {
        nint directory = Libc.OpenDir(path);
        if (directory == 0)
            throw PosixException.FromLastError($"opendir({path})");
        try
        {
            int count = 0;
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                byte* entry = Libc.ReadDir(directory);
                if (entry is null)
                {
                    // NULL with errno unchanged is the end of the directory.
                    int errno = Marshal.GetLastPInvokeError();
                    return errno == 0 ? count : throw new PosixException($"readdir({path})", errno);
                }
                byte* name = entry + Libc.DirentNameOffset;
                if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))))
                    count++;
            }
        }
        finally
        {
            Libc.CloseDir(directory);
        }
    }
}
