using StarterHost.Interop;

namespace StarterHost.Logging;

/// <summary>
/// A write-only stream over a descriptor that writes with write(2), at the descriptor's shared
/// offset. FileStream keeps an offset of its own and uses pwrite(2) on regular files: with stdout
/// redirected to a file (`> log`, no O_APPEND) our lines and the workers' would overwrite each other.
/// </summary>
internal sealed class DescriptorStream(int fd) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            Posix.WriteAll(fd, buffer);
        }
        catch (PosixException)
        {
            // A closed terminal or a log pipe whose reader died: losing a log line must not stop the supervisor.
        }
    }

    public override void Flush()
    {
    }

    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
