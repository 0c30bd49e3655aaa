namespace StarterHost.Interop;

/// <summary>What a child process gets: a program, its argv and envp, and exactly these extra descriptors.</summary>
/// <param name="Path">An absolute or relative path; no PATH search happens here (see CommandResolver).</param>
/// <param name="Descriptors">
/// Parent fd → fd number in the child. Every other descriptor above 2 is closed in the child,
/// so nothing leaks into a worker whatever its close-on-exec flag says.
/// </param>
/// <param name="WorkingDirectory">chdir target in the child, or null to inherit.</param>
/// <param name="NewSession">setsid() in the child (used to detach when daemonizing).</param>
/// <param name="NewProcessGroup">The child leads a process group of its own (a worker: a terminal's Ctrl-C is not its to get).</param>
internal sealed record SpawnRequest(
    string Path,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> Environment,
    IReadOnlyList<(int ParentFd, int ChildFd)> Descriptors,
    string? WorkingDirectory = null,
    bool NewSession = false,
    bool NewProcessGroup = false);
