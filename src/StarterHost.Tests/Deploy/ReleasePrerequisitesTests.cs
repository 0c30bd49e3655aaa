using System.Diagnostics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Deploy;

/// <summary>
/// deploy/release checks what it needs before it builds anything, each missing piece in one line with what installs
/// it: it used to fail on a missing help2man after minutes of building, and leave no .deb.
/// </summary>
public sealed class ReleasePrerequisitesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// What deploy/prerequisites looks for: in each test, those not hidden are stand-ins that answer as the real ones
    /// do, so that what this machine has installed does not matter (CI installs them only after the tests).
    /// </summary>
    private static readonly Dictionary<string, string> StandIns = new()
    {
        ["dotnet"] = "[ \"$1\" = --list-sdks ] && echo '10.0.100 [/usr/share/dotnet/sdk]'",
        ["clang"] = "",
        ["gcc"] = "",
        ["aarch64-linux-gnu-gcc"] = "echo /usr/aarch64-linux-gnu/lib/crt1.o",
        ["objcopy"] = "",
        ["objdump"] = "",
        ["help2man"] = "",
        ["dpkg-deb"] = "",
        ["dpkg"] = "",
    };

    [Fact]
    public void AMissingHelp2manIsOneLineBeforeAnythingIsBuilt()
    {
        var (code, stdout, stderr) = Release(hidden: ["help2man"]);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal(["deploy/release: missing help2man: to make the man page from --help (apt-get install help2man)"], Lines(stderr));
        Assert.False(Directory.Exists(_dir.File("out")), "deploy/release began the release");
    }

    [Fact]
    public void EveryMissingToolIsNamedWithWhatInstallsIt()
    {
        var (code, _, stderr) = Release(hidden: [.. StandIns.Keys]);
        Assert.Equal(1, code);
        Assert.Equal(
        [
            "deploy/release: missing dotnet: the .NET 10 SDK (Debian: apt-get install dotnet-sdk-10.0 from Microsoft's package repository; or https://dot.net/install)",
            "deploy/release: missing clang: a C toolchain to link the NativeAOT binary (apt-get install clang)",
            "deploy/release: missing aarch64-linux-gnu-gcc: to link the linux-arm64 tool (apt-get install gcc-aarch64-linux-gnu)",
            "deploy/release: missing objcopy, objdump: to split off the symbols and read the glibc needed (apt-get install binutils)",
            "deploy/release: missing help2man: to make the man page from --help (apt-get install help2man)",
            "deploy/release: missing dpkg-deb: to build the .deb (a Debian or Ubuntu system: apt-get install dpkg)",
        ], Lines(stderr));
        Assert.False(Directory.Exists(_dir.File("out")));
    }

    [Fact]
    public void AnArm64CrossLinkerWithoutItsCLibraryIsNamed()
    {
        var (code, _, stderr) = Release(hidden: [], answers: new() { ["aarch64-linux-gnu-gcc"] = "echo crt1.o" });
        Assert.Equal(1, code);
        Assert.Equal(["deploy/release: missing the arm64 C library (crt1.o) to link the linux-arm64 tool (apt-get install libc6-dev-arm64-cross)"], Lines(stderr));
    }

    /// <summary>README's Install section names the packages that deploy/prerequisites asks for, and no other.</summary>
    [Fact]
    public void ReadmeInstallsWhatTheCheckAsksFor()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        string command = readme.Split('\n').Single(l => l.StartsWith("apt-get update && apt-get install", StringComparison.Ordinal));
        var installed = command.Split(' ').SkipWhile(w => w != "--no-install-recommends").Skip(1).ToHashSet();
        string check = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "prerequisites"));
        var asked = System.Text.RegularExpressions.Regex.Matches(check, @"\(apt-get install ([a-z0-9.+-]+)\)").Select(m => m.Groups[1].Value).ToHashSet();
        // dpkg comes with every Debian system; the SDK from Microsoft's repository, as README says apart.
        asked.ExceptWith(["dpkg", "dotnet-sdk-10.0"]);
        Assert.Equal(asked.Order(), installed.Order());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// deploy/release with a PATH of every program of /usr/bin but <paramref name="hidden"/>, the prerequisites
    /// among them stand-ins (<see cref="StandIns"/>, or what <paramref name="answers"/> says instead).
    /// </summary>
    private (int Code, string Stdout, string Stderr) Release(string[] hidden, Dictionary<string, string>? answers = null)
    {
        string bin = Directory.CreateDirectory(_dir.File("bin")).FullName;
        foreach (string program in Directory.EnumerateFileSystemEntries("/usr/bin"))
        {
            string name = Path.GetFileName(program);
            if (!hidden.Contains(name) && !StandIns.ContainsKey(name))
                File.CreateSymbolicLink(Path.Combine(bin, name), program);
        }
        foreach (var (name, body) in StandIns.Where(s => !hidden.Contains(s.Key)))
        {
            string standIn = Path.Combine(bin, name);
            File.WriteAllText(standIn, $"#!/bin/sh\n{answers?.GetValueOrDefault(name) ?? body}\nexit 0\n");
            File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var info = new ProcessStartInfo(Path.Combine(Repository.Root, "deploy", "release"))
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(_dir.File("out"));
        info.Environment["PATH"] = bin;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(StarterProcess.DefaultTimeout), "deploy/release did not stop at its check");
        return (process.ExitCode, stdout.Result, stderr);
    }
}
