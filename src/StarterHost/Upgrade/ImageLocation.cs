using StarterHost.Interop;

namespace StarterHost.Upgrade;

/// <summary>
/// What an upgrade in place executes, resolved once at start: the program StarterHost was started as, by an absolute
/// path that is looked up again at the exec (so the file a package manager renamed over the old one is the one run),
/// the command line it was given, and the environment it started with.
/// <list type="bullet">
/// <item>The native binary, the apphost (dotnet run) and the dotnet tool's command: argv[0] as the kernel got it,
/// made absolute (searched on PATH if it has no '/'), without following symlinks: the RID-specific NativeAOT tool's
/// command is a symlink into a versioned store directory that "dotnet tool update" deletes, and a deb's
/// /usr/bin/starterhost is a link too. Only if that path is not the running program (argv[0] chosen by a launcher)
/// is the running program's own path taken.</item>
/// <item>"dotnet [host options] StarterHost.dll ARGS": the same host, options and dll, the dll made absolute.</item>
/// </list>
/// </summary>
/// <param name="Executable">The absolute path given to execve.</param>
/// <param name="Arguments">The argv: the program's part (argv[0]; for the dll form also the host's options and the dll), then StarterHost's own arguments.</param>
/// <param name="ProgramLength">How many of <paramref name="Arguments"/> are the program's part.</param>
/// <param name="Environment">The environment StarterHost started with (NAME=VALUE, as execve takes it), without <see cref="StateHandoff.Variable"/>.</param>
internal sealed record ImageLocation(string Executable, IReadOnlyList<string> Arguments, int ProgramLength, IReadOnlyList<string> Environment)
{
    /// <summary>StarterHost's own arguments: the command line without the program's part.</summary>
    public IReadOnlyList<string> StarterArguments => [.. Arguments.Skip(ProgramLength)];

    /// <summary>
    /// This process's image, read at start: the command line and environment from /proc/self (exactly what execve
    /// got, whatever the runtime or the program changed since), the working directory and PATH as they are now.
    /// </summary>
    /// <param name="starterArguments">Main's arguments, which end the command line.</param>
    public static ImageLocation AtStart(IReadOnlyList<string> starterArguments) => Resolve(
        ReadNulSeparated("/proc/self/cmdline"),
        starterArguments,
        Directory.GetCurrentDirectory(),
        System.Environment.GetEnvironmentVariable("PATH"),
        ReadNulSeparated("/proc/self/environ"),
        System.Environment.ProcessPath ?? throw new InvalidOperationException("the path of this executable is unknown"),
        // Run by the dotnet host, the runtime names the dll it runs here, by its full path.
        System.Environment.GetCommandLineArgs()[0],
        Posix.IsSameFile);

    /// <summary>
    /// The decision, apart from the process: <paramref name="isSameFile"/> tells whether two paths name one file;
    /// <paramref name="runningProgram"/> is the file this process runs (Environment.ProcessPath: the native binary,
    /// the apphost, or the dotnet host), <paramref name="entryAssembly"/> the dll the host was given.
    /// </summary>
    internal static ImageLocation Resolve(IReadOnlyList<string> commandLine, IReadOnlyList<string> starterArguments,
        string workingDirectory, string? searchPath, IReadOnlyList<string> environment, string runningProgram,
        string entryAssembly, Func<string, string, bool> isSameFile)
    {
        int programLength = commandLine.Count - starterArguments.Count;
        bool hostForm = Path.GetFileName(runningProgram) == "dotnet";
        bool commandLineKnown = programLength >= (hostForm ? 2 : 1) && commandLine.Skip(programLength).SequenceEqual(starterArguments);
        List<string> program = commandLineKnown
            ? [.. commandLine.Take(programLength)]
            : hostForm ? [runningProgram, entryAssembly] : [runningProgram];

        string executable = Absolute(program[0], workingDirectory, searchPath, candidate => isSameFile(candidate, runningProgram))
            ?? runningProgram;
        if (hostForm)
        {
            string dll = Path.GetFullPath(program[^1], workingDirectory);
            program[^1] = isSameFile(dll, entryAssembly) ? dll : entryAssembly;
        }
        var kept = environment.Where(variable => !variable.StartsWith($"{StateHandoff.Variable}=", StringComparison.Ordinal));
        return new ImageLocation(executable, [.. program, .. starterArguments], program.Count, [.. kept]);
    }

    /// <summary>
    /// --upgrade-exec=PATH: another program with the same arguments and environment. A .dll replaces the dll of the
    /// dll form (the same host and host options run it); anything else is run itself, as the native binary is.
    /// </summary>
    public ImageLocation WithProgram(string path)
    {
        string absolute = Path.GetFullPath(path);
        if (absolute.EndsWith(".dll", StringComparison.Ordinal))
        {
            if (ProgramLength < 2)
                throw new ArgumentException($"{path} is a .dll, but StarterHost was not started by the dotnet host (dotnet StarterHost.dll) to run it with");
            return this with { Arguments = [.. Arguments.Take(ProgramLength - 1), absolute, .. StarterArguments] };
        }
        return this with { Executable = absolute, Arguments = [absolute, .. StarterArguments], ProgramLength = 1 };
    }

    /// <summary>
    /// <paramref name="name"/> as execvp would find it (relative to the working directory when it has a '/', else on
    /// PATH, an empty entry meaning the working directory), provided it is the running program; else null.
    /// </summary>
    private static string? Absolute(string name, string workingDirectory, string? searchPath, Func<string, bool> isRunningProgram)
    {
        if (name.Length == 0)
            return null;
        if (name.Contains('/'))
        {
            string path = Path.GetFullPath(name, workingDirectory);
            return isRunningProgram(path) ? path : null;
        }
        foreach (string directory in (searchPath ?? "").Split(':'))
        {
            string path = Path.GetFullPath(Path.Combine(directory.Length == 0 ? "." : directory, name), workingDirectory);
            if (isRunningProgram(path))
                return path;
        }
        return null;
    }

    /// <summary>
    /// A /proc file of NUL-terminated strings (cmdline, environ), each kept as its bytes (see <see cref="EscapedUtf8"/>):
    /// an argument or a variable that is not UTF-8 reaches the new image as it reached this one. An empty argument stays.
    /// </summary>
    internal static IReadOnlyList<string> ReadNulSeparated(string path) => SplitNulTerminated(File.ReadAllBytes(path));

    internal static IReadOnlyList<string> SplitNulTerminated(byte[] bytes)
    {
        if (bytes.Length == 0)
            return [];
        var strings = new List<string>();
        foreach (var range in bytes.AsSpan(0, bytes[^1] == 0 ? bytes.Length - 1 : bytes.Length).Split((byte)0))
            strings.Add(EscapedUtf8.Decode(bytes.AsSpan(range)));
        return strings;
    }
}
