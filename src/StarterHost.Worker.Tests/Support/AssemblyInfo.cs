using System.Runtime.Versioning;

// Inherited descriptors are a POSIX affair; the tests make them with fcntl(2).
[assembly: SupportedOSPlatform("linux")]
