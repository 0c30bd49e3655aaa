namespace StarterHost.Tests.Support;

/// <summary>The test worker script and the files it is steered and observed through.</summary>
internal sealed class TestWorker(TempDirectory directory)
{
    public static string Script => Path.Combine(AppContext.BaseDirectory, "Workers", "echo-worker.pl");

    public string ControlDirectory { get; } = Directory.CreateDirectory(directory.File("control")).FullName;

    public WorkerEvents Events { get; } = new(directory.File("events.log"));

    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["WORKER_CONTROL"] = ControlDirectory,
        ["WORKER_EVENTS"] = Events.Path,
    };

    public string[] Command => ["--", "perl", Script];

    /// <summary>From now on, new workers exit at once (a generation that fails to start).</summary>
    public void Fail(bool on = true) => Toggle("fail", on);

    public void Slow(bool on = true) => Toggle("slow", on);

    /// <summary>From now on, new workers ignore TERM.</summary>
    public void Stubborn(bool on = true) => Toggle("stubborn", on);

    /// <summary>Every worker accepts no connection until this is turned off again: they wait in the listener's queue.</summary>
    public void Pause(bool on = true) => Toggle("paused", on);

    /// <summary>From now on, new workers (with NOTIFY_SOCKET) never send READY=1.</summary>
    public void NeverReady(bool on = true) => Toggle("never-ready", on);

    /// <summary>New workers (with NOTIFY_SOCKET) hold READY=1 back until this is turned off again.</summary>
    public void Hold(bool on = true) => Toggle("hold", on);

    /// <summary>New workers of pool slot <paramref name="slot"/> (with NOTIFY_SOCKET) hold READY=1 back until this is turned off again.</summary>
    public void HoldSlot(int slot, bool on = true) => Toggle($"hold-slot-{slot}", on);

    /// <summary>Workers signalled while this is on stay (draining) until it is turned off again.</summary>
    public void Linger(bool on = true) => Toggle("linger", on);

    /// <summary>From now on, new workers (with NOTIFY_SOCKET) warm up this long before READY=1.</summary>
    public void ReadyAfter(TimeSpan delay) =>
        File.WriteAllText(Path.Combine(ControlDirectory, "ready-delay"), ((int)delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void Toggle(string name, bool on)
    {
        string path = Path.Combine(ControlDirectory, name);
        if (on)
            File.WriteAllText(path, "");
        else
            File.Delete(path);
    }
}
