using System.Text.Json.Serialization;
using StarterHost.Signals;

namespace StarterHost.Workers;

/// <summary>A raw waitpid(2) status, printed as start_server prints it ($?) plus what it means.</summary>
internal readonly record struct WaitStatus(int Raw)
{
    [JsonIgnore]
    public bool Exited => (Raw & 0x7f) == 0;

    [JsonIgnore]
    public int ExitCode => (Raw >> 8) & 0xff;

    [JsonIgnore]
    public int TerminatingSignal => Raw & 0x7f;

    public string Describe() => Exited
        ? $"{Raw} (exit code {ExitCode})"
        : $"{Raw} (killed by SIG{SignalNames.NameOf(TerminatingSignal)})";

    public override string ToString() => Describe();
}
