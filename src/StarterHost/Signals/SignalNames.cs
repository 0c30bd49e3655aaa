using System.Diagnostics.CodeAnalysis;

namespace StarterHost.Signals;

/// <summary>Signal names as kill(1) and Perl's kill know them, with Linux's numbers.</summary>
internal static class SignalNames
{
    public const int Hup = 1;
    public const int Int = 2;
    public const int Quit = 3;
    public const int Abrt = 6;
    public const int Kill = 9;
    public const int Usr1 = 10;
    public const int Usr2 = 12;
    public const int Term = 15;
    public const int Chld = 17;
    public const int Ttin = 21;
    public const int Ttou = 22;
    public const int Winch = 28;

    // Linux numbering (x86-64, arm64 and the other generic-ABI targets .NET runs on).
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>
    /// Parses "TERM", "SIGTERM", "term" or "15".
    /// Server::Starter: names are upper-cased and a leading "SIG" is dropped before use.
    /// </summary>
    public static bool TryParse(string? text, out int signal)
    {
        signal = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        string name = text.Trim().ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
            name = name[3..];
        if (int.TryParse(name, out int number))
        {
            signal = number;
            return number is > 0 and < 65;
        }
        if (name is "IOT") name = "ABRT";
        if (name is "POLL") name = "IO";
        if (name is "CLD") name = "CHLD";
        int index = Array.IndexOf(Names, name);
        if (index <= 0)
            return false;
        signal = index;
        return true;
    }

    /// <summary>The short name ("TERM") used in log lines, or the number for realtime signals.</summary>
    public static string NameOf(int signal) =>
        signal > 0 && signal < Names.Length ? Names[signal] : signal.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
