using StarterHost.Interop;

namespace StarterHost.Workers;

/// <summary>
/// Finds the program to execute the way execvp(3) would, with the worker's PATH (an envdir may change
/// it), so that "not found" and "not executable" are reported as such rather than as an exit status.
/// </summary>
internal static class CommandResolver
{
    /// <exception cref="CommandNotExecutableException">No executable file matches.</exception>
    public static string Resolve(string command, string? pathVariable, string? workingDirectory)
    {
        if (string.IsNullOrEmpty(command))
            throw new CommandNotExecutableException("the worker command is empty");
        if (command.Contains('/', StringComparison.Ordinal))
        {
            // A relative path is resolved by the child after it has changed to --dir.
            string full = Path.IsPathRooted(command) || workingDirectory is null ? command : Path.Combine(workingDirectory, command);
            Check(full, command);
            return command;
        }
        string searched = pathVariable ?? "/usr/local/bin:/usr/bin:/bin";
        string? denied = null;
        foreach (string entry in searched.Split(':'))
        {
            string directory = entry.Length == 0 ? "." : entry;
            string candidate = Path.Combine(directory, command);
            string probe = Path.IsPathRooted(candidate) || workingDirectory is null ? candidate : Path.Combine(workingDirectory, candidate);
            if (!File.Exists(probe))
                continue;
            if (Posix.WhyNotExecutable(probe) is { } why)
            {
                denied ??= $"{probe}: {why}";
                continue;
            }
            return candidate;
        }
        throw new CommandNotExecutableException(denied is null
            ? $"command not found: {command} (searched PATH={searched})"
            : $"command is not executable: {denied}");
    }

    private static void Check(string path, string command)
    {
        if (Directory.Exists(path))
            throw new CommandNotExecutableException($"command is a directory: {command}");
        if (!File.Exists(path))
            throw new CommandNotExecutableException($"command not found: {command}");
        if (Posix.WhyNotExecutable(path) is { } why)
            throw new CommandNotExecutableException($"command is not executable: {command}: {why}");
    }
}

internal sealed class CommandNotExecutableException(string message) : Exception(message);
