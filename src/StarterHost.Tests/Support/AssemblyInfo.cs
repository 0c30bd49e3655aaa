using System.Runtime.Versioning;

// The tests drive a Linux program through Linux interfaces (signals, /proc, posix_spawn).
[assembly: SupportedOSPlatform("linux")]
