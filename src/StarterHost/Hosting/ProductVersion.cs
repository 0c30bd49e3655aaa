using System.Reflection;

namespace StarterHost.Hosting;

/// <summary>The version StarterHost reports (--version, --status-json): Directory.Build.props's, without the commit.</summary>
internal static class ProductVersion
{
    public static string Current { get; } =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
}
