using System.Text;
using StarterHost.Interop;

namespace StarterHost.Tests.Interop;

/// <summary>A sealed memfd holds what was written, cannot be changed, and is read back by its number alone.</summary>
public sealed class MemfdTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(1 << 20)]
    public void WhatIsWrittenIsReadBackByNumber(int size)
    {
        byte[] contents = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        int fd = Posix.CreateSealedMemfd("test-state", contents);
        try
        {
            Assert.Equal(contents, Posix.ReadSealedMemfd(fd, "test-state"));
            Assert.True(Posix.IsCloseOnExec(fd));
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Fact]
    public void ASealedMemfdCannotBeWrittenOrGrown()
    {
        int fd = Posix.CreateSealedMemfd("test-state", "sealed"u8);
        try
        {
            var refused = Assert.Throws<PosixException>(() => Posix.WriteAll(fd, "more"u8));
            Assert.Equal(Libc.EPERM, refused.Errno);
            Assert.Equal("sealed"u8.ToArray(), Posix.ReadSealedMemfd(fd, "test-state"));
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Fact]
    public void AMemfdWithoutItsSealsIsRefused()
    {
        int fd = Libc.MemfdCreate("test-state", Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        try
        {
            Posix.WriteAll(fd, "unsealed"u8);
            var refused = Assert.Throws<InvalidDataException>(() => Posix.ReadSealedMemfd(fd, "test-state"));
            Assert.Equal($"fd {fd} (/memfd:test-state (deleted)) is not sealed (seals 0x0, expected 0xf)", refused.Message);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Fact]
    public void AMemfdOfAnotherNameIsRefused()
    {
        int fd = Posix.CreateSealedMemfd("something-else", "x"u8);
        try
        {
            var refused = Assert.Throws<InvalidDataException>(() => Posix.ReadSealedMemfd(fd, "test-state"));
            Assert.Equal($"fd {fd} is /memfd:something-else (deleted), not /memfd:test-state (deleted)", refused.Message);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [Fact]
    public void APipeIsRefused()
    {
        var (read, write) = Posix.OpenPipe();
        try
        {
            var refused = Assert.Throws<InvalidDataException>(() => Posix.ReadSealedMemfd(read, "test-state"));
            Assert.Matches($@"^fd {read} is not a memfd \(pipe:\[\d+\]\)$", refused.Message);
        }
        finally
        {
            Posix.Close(read);
            Posix.Close(write);
        }
    }

    [Fact]
    public void AClosedNumberIsRefused()
    {
        int fd = Posix.CreateSealedMemfd("test-state", "x"u8);
        Posix.Close(fd);
        var refused = Assert.Throws<InvalidDataException>(() => Posix.ReadSealedMemfd(fd, "test-state"));
        Assert.Equal($"fd {fd} is not open", refused.Message);
    }

    [Fact]
    public void TheFdOffsetDoesNotMatter()
    {
        int fd = Posix.CreateSealedMemfd("test-state", Encoding.UTF8.GetBytes("read twice"));
        try
        {
            Posix.ReadSealedMemfd(fd, "test-state");
            Assert.Equal("read twice", Encoding.UTF8.GetString(Posix.ReadSealedMemfd(fd, "test-state")));
        }
        finally
        {
            Posix.Close(fd);
        }
    }
}
