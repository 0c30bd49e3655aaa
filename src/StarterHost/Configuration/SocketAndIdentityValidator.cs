using Microsoft.Extensions.Options;
using StarterHost.Cli;
using StarterHost.Hosting;
using StarterHost.Interop;
using StarterHost.Listening;
using StarterHost.Workers;
using static StarterHost.Configuration.StarterOptions;

namespace StarterHost.Configuration;

/// <summary>
/// The settings of socket handover and identity (--listen-fds, --path-mode, --path-owner, --user, --group,
/// --check-command), checked before anything is bound or spawned; one line per failure, naming the value.
/// </summary>
internal sealed class SocketAndIdentityValidator(CliMode mode) : IValidateOptions<StarterOptions>
{
    public ValidateOptionsResult Validate(string? name, StarterOptions options)
    {
        if (mode != CliMode.Serve)
            return ValidateOptionsResult.Success;
        var failures = new List<string>();
        Try(failures, () => CheckListenFds(options));
        Try(failures, () => SocketFileAccess.Parse(options.PathMode, options.PathOwner));
        Try(failures, () => CheckIdentity(options));
        if (options.CheckCommand is { } check && string.IsNullOrWhiteSpace(check))
            failures.Add($"{CheckCommandOption.Setting} ({CheckCommandOption}) is empty");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckListenFds(StarterOptions options)
    {
        if (!options.ListenFds)
        {
            if (options.ListenFdNames is not null)
                throw new StartupException($"{ListenFdNamesOption.Given(options.ListenFdNames)} requires {ListenFdsOption} ({ListenFdsOption.Setting})");
            return;
        }
        IReadOnlyList<ListenAddress> addresses;
        try
        {
            addresses = StarterOptionsValidator.ListenAddresses(options);
        }
        catch (FormatException)
        {
            return; // A bad address: StarterOptionsValidator says so, once.
        }
        ListenFdNames.CheckDescriptors(addresses);
        // With no address configured, socket activation decides how many there are: checked once they are adopted.
        if (addresses.Count > 0)
            ListenFdNames.For(options.ListenFdNames, [.. addresses.Select(a => a.Key)]);
    }

    private static void CheckIdentity(StarterOptions options)
    {
        try
        {
            if (WorkerIdentity.Resolve(options.User, options.Group) is null)
                return;
        }
        catch (ArgumentException e)
        {
            string setting = e.Message.StartsWith("unknown user", StringComparison.Ordinal)
                ? UserOption.Given(options.User)
                : GroupOption.Given(options.Group);
            throw new StartupException($"{setting}: {e.Message}");
        }
        if (PosixAccounts.EffectiveUid != 0)
            throw new StartupException(
                $"{UserOption} and {GroupOption} ({UserOption.Setting}, {GroupOption.Setting}) need StarterHost to run as root, to switch the workers' identity; it runs as uid {PosixAccounts.EffectiveUid}");
    }

    private static void Try(List<string> failures, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e) when (e is StartupException or FormatException)
        {
            failures.Add(e.Message);
        }
    }
}
