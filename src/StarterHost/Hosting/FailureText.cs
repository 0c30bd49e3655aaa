using Microsoft.Extensions.Options;
using StarterHost.Cli;
using StarterHost.Client;

namespace StarterHost.Hosting;

/// <summary>The one line a failure is reported in: the message alone for what we expect to go wrong.</summary>
internal static class FailureText
{
    public static string Of(Exception error)
    {
        if (error is AggregateException { InnerExceptions.Count: 1 } aggregate)
            error = aggregate.InnerExceptions[0];
        return error switch
        {
            OptionsValidationException validation => string.Join("; ", validation.Failures),
            UsageException or StartupException or ClientFailure or Upgrade.HandoffException => error.Message,
            // The binder's own messages ("Failed to convert configuration value ...") are for users too.
            InvalidOperationException => error.Message.ReplaceLineEndings(" "),
            // A bug: still one line, with what a bug report needs to find it.
            _ => $"internal error: {error.Message.ReplaceLineEndings(" ")} ({error.GetType().Name} {TopFrame(error)})",
        };
    }

    private static string TopFrame(Exception error) =>
        error.StackTrace?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}
