using StarterHost.Hosting;
using StarterHost.Interop;

namespace StarterHost.Workers;

/// <summary>
/// How to run the exec helper: the native starterhost-exec beside this program (the NativeAOT binary, the .deb,
/// the tool packages, a build for a known RID), or, where there is none (a framework-dependent form on another
/// RID), this program again in --exec-worker mode: the same duties, at the price of a second runtime start-up.
/// </summary>
internal static class ExecHelperCommand
{
    /// <summary>The native helper's file name, beside StarterHost's own binary or dll.</summary>
    public const string NativeName = "starterhost-exec";

    public static string[] Get() => Get(AppContext.BaseDirectory, SelfCommand.Get);

    internal static string[] Get(string directory, Func<string[]> self)
    {
        string native = Path.Combine(directory, NativeName);
        return Posix.WhyNotExecutable(native) is null ? [native] : [.. self(), ExecHelper.Flag];
    }
}
