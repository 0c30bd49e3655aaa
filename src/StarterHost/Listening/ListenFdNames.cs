using StarterHost.Configuration;
using StarterHost.Hosting;
using StarterHost.Systemd;

namespace StarterHost.Listening;

/// <summary>
/// LISTEN_FDNAMES for <c>--listen-fds</c>: one name per listener, joined by ':'. sd_listen_fds(3) takes a
/// name of at most 255 printable ASCII characters without ':' (the separator); systemd's fdname_is_valid.
/// </summary>
internal static class ListenFdNames
{
    public const int MaxLength = 255;

    /// <summary>
    /// The default name of a listener: its SERVER_STARTER_PORT key ("8080", "127.0.0.1:8080", "[::1]:8080",
    /// a path) with every ':' and every character outside printable ASCII replaced by '_', cut at 255.
    /// </summary>
    public static string Derive(string key)
    {
        var name = key.Select(c => c == ':' || c < ' ' || c > '~' ? '_' : c).Take(MaxLength).ToArray();
        return new string(name);
    }

    /// <summary>Why <paramref name="name"/> cannot be in LISTEN_FDNAMES, or null when it can.</summary>
    public static string? WhyInvalid(string name) =>
        name.Length == 0 ? "a name is empty"
        : name.Length > MaxLength ? $"'{name}' is longer than {MaxLength} characters"
        : name.Any(c => c < ' ' || c > '~') ? $"'{name}' has a character that is not printable ASCII"
        : name.Contains(':', StringComparison.Ordinal) ? $"'{name}' has a ':', which separates the names"
        : null;

    /// <summary>The names for <paramref name="keys"/>: those given (':'-separated, one per listener), or the derived ones.</summary>
    /// <exception cref="StartupException">The names given are malformed, or not one per listener.</exception>
    public static string[] For(string? given, IReadOnlyList<string> keys)
    {
        if (given is null)
            return [.. keys.Select(Derive)];
        string[] names = given.Split(':');
        foreach (string name in names)
        {
            if (WhyInvalid(name) is { } why)
                throw new StartupException($"{StarterOptions.ListenFdNamesOption.Given(given)}: {why}");
        }
        if (names.Length != keys.Count)
            throw new StartupException(
                $"{StarterOptions.ListenFdNamesOption.Given(given)} names {names.Length} socket(s), but there are {keys.Count} listener(s) ({string.Join(';', keys)})");
        return names;
    }

    /// <summary>
    /// With <c>--listen-fds</c> the listeners are at fds 3 upward, in order, as LISTEN_FDS says: an explicit
    /// "=FD" elsewhere contradicts it.
    /// </summary>
    /// <exception cref="StartupException">Names the listener and both numbers.</exception>
    public static void CheckDescriptors(IReadOnlyList<ListenAddress> addresses)
    {
        for (int i = 0; i < addresses.Count; i++)
        {
            int expected = SystemdEnvironment.FirstPassedFd + i;
            if (addresses[i].Fd is int fd && fd != expected)
                throw new StartupException(
                    $"{StarterOptions.PortOption} {addresses[i].Key}={fd} conflicts with {StarterOptions.ListenFdsOption}, which passes the listeners at fds {SystemdEnvironment.FirstPassedFd} upward in order: this one is fd {expected}");
        }
    }
}
