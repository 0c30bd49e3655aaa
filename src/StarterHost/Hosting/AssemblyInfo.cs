using System.Runtime.Versioning;

// posix_spawn's _np file actions, statx and the signal numbers are Linux's.
[assembly: SupportedOSPlatform("linux")]
