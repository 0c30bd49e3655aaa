using System.Diagnostics;

namespace StarterHost.Tests.Support;

/// <summary>
/// A system user for the privilege-drop tests, created once (as root, with useradd) and kept: its own
/// primary group and one supplementary group, so that each can be told apart in /proc/self/status.
/// </summary>
internal static class TestUser
{
    private const string UserName = "sh-test-worker";
    private const string ExtraGroup = "sh-test-extra";
    private static readonly Lazy<(int Uid, int Gid, int ExtraGid)> Created = new(Create);

    /// <summary>The user's name; it exists once this has been read.</summary>
    public static string Name => Created.Value.Uid >= 0 ? UserName : throw new InvalidOperationException();

    public static int Uid => Created.Value.Uid;
    public static int Gid => Created.Value.Gid;
    public static int ExtraGid => Created.Value.ExtraGid;

    private static (int, int, int) Create()
    {
        if (System.Environment.UserName != "root")
            throw new InvalidOperationException("the privilege-drop tests run as root (CI does): they create a system user and switch to it");
        if (Run("getent", "group", ExtraGroup).Code != 0)
            Check(Run("groupadd", "--system", ExtraGroup));
        if (Run("id", UserName).Code != 0)
            Check(Run("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", ExtraGroup, UserName));
        return (Number("id", "-u", UserName), Number("id", "-g", UserName), Number("getent", "group", ExtraGroup, split: ':', field: 2));
    }

    private static int Number(string program, string a, string b, char split = ' ', int field = 0) =>
        int.Parse(Check(Run(program, a, b)).Trim().Split(split)[field]);

    private static string Check((int Code, string Output) result) =>
        result.Code == 0 ? result.Output : throw new InvalidOperationException($"creating the test user failed: {result.Output}");

    private static (int Code, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args.Skip(1))
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
