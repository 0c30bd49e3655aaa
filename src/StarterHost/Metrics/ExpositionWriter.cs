using System.Buffers;
using System.Globalization;
using System.Text;

namespace StarterHost.Metrics;

/// <summary>
/// The Prometheus text exposition format 0.0.4 of a snapshot: for each family a <c># HELP</c> and a <c># TYPE</c>
/// line, then its samples; counters end in <c>_total</c>, histograms give cumulative <c>_bucket{le=…}</c> lines up
/// to <c>+Inf</c>, then <c>_sum</c> and <c>_count</c>; values in base units (seconds, bytes). Written straight as
/// UTF-8, with no intermediate strings.
/// </summary>
internal sealed class ExpositionWriter
{
    /// <summary>The Content-Type of what <see cref="Write"/> returns.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly ArrayBufferWriter<byte> _out = new(8192);

    /// <summary>The exposition of <paramref name="snapshot"/> and, when given, the process's own metrics.</summary>
    public static byte[] Write(MetricsSnapshot snapshot, ProcessFacts? process)
    {
        var writer = new ExpositionWriter();
        writer.WriteSnapshot(snapshot, process);
        return writer._out.WrittenSpan.ToArray();
    }

    private void WriteSnapshot(MetricsSnapshot s, ProcessFacts? process)
    {
        Header(MetricFamilies.BuildInfo);
        Sample(MetricFamilies.BuildInfo.Name, "version", s.Version, 1);

        Single(MetricFamilies.Generation, s.Generation);

        Labelled(MetricFamilies.Workers, "state", WorkerCounts.States, s.Workers.Values);

        Single(MetricFamilies.WorkersConfigured, s.WorkersConfigured);
        Single(MetricFamilies.Restarts, s.Restarts);
        Single(MetricFamilies.FailedStarts, s.FailedStarts);

        Labelled(MetricFamilies.WorkerExits, "reason", WorkerExitCounts.Reasons, s.Exits.Values);

        Histogram(MetricFamilies.Handover, s.Handover);
        Histogram(MetricFamilies.Drain, s.Drain);

        // A family with no samples (no stream listener, no worker yet) is left out whole.
        if (s.Listeners.Count > 0)
        {
            Header(MetricFamilies.ListenQueueLength);
            foreach (var listener in s.Listeners)
                Sample(MetricFamilies.ListenQueueLength.Name, "listener", listener.Listener, listener.Length);
            Header(MetricFamilies.ListenBacklog);
            foreach (var listener in s.Listeners)
                Sample(MetricFamilies.ListenBacklog.Name, "listener", listener.Listener, listener.Backlog);
        }
        if (s.ResidentMemory.Count > 0)
        {
            Header(MetricFamilies.WorkerResidentBytes);
            foreach (var slot in s.ResidentMemory)
                Sample(MetricFamilies.WorkerResidentBytes.Name, "slot", slot.Slot.ToString(CultureInfo.InvariantCulture), slot.Bytes);
        }

        Single(MetricFamilies.Upgrades, s.Upgrades);

        if (process is null)
            return;
        Single(MetricFamilies.ProcessCpu, process.CpuSeconds);
        Single(MetricFamilies.ProcessResidentMemory, process.ResidentBytes);
        Single(MetricFamilies.ProcessOpenFds, process.OpenFds);
        if (process.MaxFds is { } maxFds)
            Single(MetricFamilies.ProcessMaxFds, maxFds);
        Single(MetricFamilies.ProcessStartTime, process.StartTimeSeconds);
    }

    private void Header(MetricFamily family)
    {
        Text("# HELP ");
        Text(family.Name);
        Text(" ");
        Escaped(family.Help, quotes: false);
        Text("\n# TYPE ");
        Text(family.Name);
        Text(family.Type switch
        {
            MetricType.Counter => " counter\n",
            MetricType.Gauge => " gauge\n",
            _ => " histogram\n",
        });
    }

    private void Single(MetricFamily family, double value)
    {
        Header(family);
        Text(family.Name);
        Text(" ");
        Number(value);
        Text("\n");
    }

    /// <summary>A family of one sample per value of <paramref name="label"/>, every value always there.</summary>
    private void Labelled(MetricFamily family, string label, IReadOnlyList<string> labelValues, long[] values)
    {
        Header(family);
        for (int i = 0; i < values.Length; i++)
            Sample(family.Name, label, labelValues[i], values[i]);
    }

    private void Sample(string name, string label, string labelValue, double value)
    {
        Text(name);
        Text("{");
        Text(label);
        Text("=\"");
        Escaped(labelValue, quotes: true);
        Text("\"} ");
        Number(value);
        Text("\n");
    }

    private void Histogram(MetricFamily family, HistogramSnapshot histogram)
    {
        Header(family);
        string bucket = family.Name + "_bucket";
        long cumulative = 0;
        for (int i = 0; i < histogram.UpperBounds.Count; i++)
        {
            cumulative += histogram.Counts[i];
            Sample(bucket, "le", Format(histogram.UpperBounds[i]), cumulative);
        }
        cumulative += histogram.Counts[^1];
        Sample(bucket, "le", "+Inf", cumulative);
        Text(family.Name);
        Text("_sum ");
        Number(histogram.Sum);
        Text("\n");
        Text(family.Name);
        Text("_count ");
        Number(cumulative);
        Text("\n");
    }

    private void Text(string ascii)
    {
        var span = _out.GetSpan(ascii.Length);
        for (int i = 0; i < ascii.Length; i++)
            span[i] = (byte)ascii[i];
        _out.Advance(ascii.Length);
    }

    /// <summary>
    /// UTF-8, with the format's escapes: backslash and line feed (and, in a label value, the double quote) as
    /// <c>\\</c>, <c>\n</c>, <c>\"</c>.
    /// </summary>
    private void Escaped(string text, bool quotes)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            string? escape = text[i] switch
            {
                '\\' => @"\\",
                '\n' => @"\n",
                '"' when quotes => "\\\"",
                _ => null,
            };
            if (escape is null)
                continue;
            Utf8(text.AsSpan(start, i - start));
            Text(escape);
            start = i + 1;
        }
        Utf8(text.AsSpan(start));
    }

    private void Utf8(ReadOnlySpan<char> text)
    {
        var span = _out.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _out.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private void Number(double value)
    {
        if (!double.IsFinite(value) || value != Math.Floor(value) || Math.Abs(value) >= 1e15)
        {
            Text(Format(value));
            return;
        }
        // Whole numbers (counts, bytes, most samples) without the double's formatting.
        var span = _out.GetSpan(20);
        ((long)value).TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
        _out.Advance(written);
    }

    /// <summary>Go's ParseFloat reads .NET's shortest round-trip form; infinities and NaN as the format spells them.</summary>
    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };
}
