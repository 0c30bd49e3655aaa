using System.Runtime.InteropServices;

namespace StarterHost.Interop;

/// <summary>
/// Sealed memfds: bytes that cross an exec under an fd number, and that nobody (not even a stray write of ours)
/// can change, grow or truncate once written.
/// </summary>
internal static unsafe partial class Posix
{
    /// <summary>Every seal: the contents can neither shrink, grow nor change, and the seals themselves are final.</summary>
    public const int AllSeals = Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE | Libc.F_SEAL_SEAL;

    /// <summary>A new close-on-exec memfd named <paramref name="name"/> holding exactly <paramref name="contents"/>, with every seal.</summary>
    public static int CreateSealedMemfd(string name, ReadOnlySpan<byte> contents)
    {
        int fd = Libc.MemfdCreate(name, Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        if (fd < 0)
            throw PosixException.FromLastError($"memfd_create({name})");
        try
        {
            WriteAll(fd, contents);
            if (Libc.Fcntl(fd, Libc.F_ADD_SEALS, AllSeals) < 0)
                throw PosixException.FromLastError($"fcntl({fd}, F_ADD_SEALS)");
            return fd;
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    /// <summary>
    /// The whole contents of the memfd at <paramref name="fd"/>, which must be named <paramref name="name"/> and carry
    /// every seal: a number that names anything else (a closed fd, a pipe, a memfd still writable) is refused with an
    /// <see cref="InvalidDataException"/> saying what the fd is. Read with pread, so the fd's offset does not matter.
    /// </summary>
    public static byte[] ReadSealedMemfd(int fd, string name)
    {
        int seals = Libc.Fcntl(fd, Libc.F_GET_SEALS, 0);
        if (seals < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new InvalidDataException(errno switch
            {
                Libc.EBADF => $"fd {fd} is not open",
                Libc.EINVAL => $"fd {fd} is not a memfd ({DescriptorTarget(fd)})",
                _ => new PosixException($"fcntl({fd}, F_GET_SEALS)", errno).Message,
            });
        }
        string expected = $"/memfd:{name} (deleted)";
        string target = DescriptorTarget(fd);
        if (target != expected)
            throw new InvalidDataException($"fd {fd} is {target}, not {expected}");
        if ((seals & AllSeals) != AllSeals)
            throw new InvalidDataException($"fd {fd} ({target}) is not sealed (seals 0x{seals:x}, expected 0x{AllSeals:x})");

        byte[] contents = new byte[SizeOf(fd)];
        fixed (byte* p = contents)
        {
            long done = 0;
            while (done < contents.Length)
            {
                nint n = Libc.Pread(fd, p + done, (nint)(contents.Length - done), done);
                if (n < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
                    continue;
                if (n < 0)
                    throw PosixException.FromLastError($"pread({fd})");
                if (n == 0)
                    throw new InvalidDataException($"fd {fd} ended after {done} of its {contents.Length} bytes");
                done += n;
            }
        }
        return contents;
    }

    /// <summary>
    /// The size of the file open at <paramref name="fd"/>, by statx on the fd itself: FileInfo of /proc/self/fd/N
    /// would give the size of the link (64), not of the file.
    /// </summary>
    private static long SizeOf(int fd)
    {
        byte* buffer = stackalloc byte[256];
        if (Libc.Statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_SIZE, buffer) < 0)
            throw PosixException.FromLastError($"statx({fd})");
        // struct statx: u64 stx_size at offset 40.
        return *(long*)(buffer + 40);
    }
}
