using System.Globalization;
using StarterHost.Interop;

namespace StarterHost.Status;

/// <summary>How every status file is written: whole, so that a reader never sees half of it.</summary>
internal static class AtomicFile
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const string SuffixCharacters = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// Server::Starter: written to a temporary file beside the target and renamed over it. start_server names
    /// it "&lt;file&gt;.&lt;pid&gt;", which anyone who knows the pid (a worker: <c>$PPID</c>) can plant a
    /// symlink at; here the name carries a random suffix as well and is created only if nothing has it
    /// (O_EXCL|O_NOFOLLOW). A write that fails (a full disk) leaves no temporary file behind.
    /// </summary>
    public static void Replace(string target, ReadOnlySpan<byte> content, int ownPid)
    {
        var (temporary, fd) = CreateTemporary(target, ownPid);
        try
        {
            try
            {
                Posix.WriteAll(fd, content);
            }
            catch (PosixException e)
            {
                throw new PosixException($"write({temporary})", e.Errno);
            }
            finally
            {
                Posix.Close(fd);
            }
            // rename(2) replaces the name: a symlink at the target is replaced, never followed.
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Ten characters of <see cref="SuffixCharacters"/>, from the kernel's randomness (see <see cref="Posix.FillRandom"/>).</summary>
    private static string RandomSuffix()
    {
        Span<byte> random = stackalloc byte[10];
        Posix.FillRandom(random);
        // 256 is not a multiple of 36: the first 4 characters come out a little more often. Unguessable enough for
        // a name that O_EXCL|O_NOFOLLOW already keeps safe.
        Span<char> suffix = stackalloc char[random.Length];
        for (int i = 0; i < suffix.Length; i++)
            suffix[i] = SuffixCharacters[random[i] % SuffixCharacters.Length];
        return new string(suffix);
    }

    private static (string Path, int Fd) CreateTemporary(string target, int ownPid)
    {
        string prefix = $"{target}.{ownPid.ToString(CultureInfo.InvariantCulture)}.";
        for (int attempt = 1; ; attempt++)
        {
            string path = prefix + RandomSuffix();
            try
            {
                return (path, Posix.CreateExclusive(path, Readable));
            }
            catch (PosixException e) when (e.Errno == Libc.EEXIST && attempt < 10)
            {
                // Somebody's file at a name 36^10 to one against: another draw.
            }
        }
    }
}
