using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using StarterHost.Interop;

namespace StarterHost.Tests.Support;

/// <summary>
/// A real Prometheus (Debian's /usr/bin/prometheus) scraping one target every second: a generated configuration,
/// storage in a temporary directory, a free loopback port; started and ready, queried through its HTTP API, and
/// stopped with SIGTERM as a service manager would.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    public const string ProgramPath = "/usr/bin/prometheus";

    /// <summary>Why a test that needs Prometheus cannot run here; null when it can.</summary>
    public static string? Unavailable => File.Exists(ProgramPath) ? null : $"no {ProgramPath} here (apt-get install prometheus)";

    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;

    /// <summary>The address of its web interface and API, http://127.0.0.1:PORT.</summary>
    public Uri Address { get; }

    /// <param name="target">HOST:PORT of what it scrapes, at /metrics, as job "starterhost".</param>
    public PrometheusServer(string target)
    {
        File.WriteAllText(_dir.File("prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: starterhost
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target}']
            """);
        // The port is free when asked for; should another process take it before Prometheus binds it, Prometheus
        // exits at once, and another port is tried.
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort();
            Address = new Uri($"http://127.0.0.1:{port}");
            _process = Start(port);
            if (WaitReady() || attempt == 3)
                break;
            _process.Dispose();
        }
        if (_process.HasExited)
            throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Log}");
    }

    private readonly StringBuilder _log = new();

    /// <summary>What Prometheus logged (its stderr).</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    private Process Start(int port)
    {
        var info = new ProcessStartInfo(ProgramPath)
        {
            ArgumentList =
            {
                $"--config.file={_dir.File("prometheus.yml")}",
                $"--storage.tsdb.path={_dir.File("data")}",
                $"--web.listen-address=127.0.0.1:{port}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (_log)
                _log.AppendLine(line.Data);
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>Until /-/ready answers 200: true; false when Prometheus exited first (its port was taken, say).</summary>
    private bool WaitReady()
    {
        var deadline = DateTime.UtcNow + StarterProcess.DefaultTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                return false;
            try
            {
                using var answer = _http.GetAsync(new Uri(Address, "/-/ready")).GetAwaiter().GetResult();
                if (answer.StatusCode == HttpStatusCode.OK)
                    return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            _process.WaitForExit(100);
        }
        throw new TimeoutException($"prometheus was not ready within {StarterProcess.DefaultTimeout}:\n{Log}");
    }

    /// <summary>An instant query (/api/v1/query): each series' labels and value.</summary>
    public IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> Query(string expression)
    {
        var uri = new Uri(Address, $"/api/v1/query?query={Uri.EscapeDataString(expression)}");
        using var document = JsonDocument.Parse(_http.GetStringAsync(uri).GetAwaiter().GetResult());
        var data = document.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() == "scalar")
            return [(new Dictionary<string, string>(), Number(data.GetProperty("result")))];
        return data.GetProperty("result").EnumerateArray()
            .Select(series => ((IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject()
                    .ToDictionary(label => label.Name, label => label.Value.GetString()!),
                Number(series.GetProperty("value"))))
            .ToList();
    }

    /// <summary>Waits until <paramref name="expression"/> has one series, of value <paramref name="expected"/>.</summary>
    public void WaitFor(string expression, double expected) =>
        Eventually.True(() => Query(expression) is [var (_, value)] && value == expected,
            $"prometheus to read {expression} = {expected} (it reads {Describe(expression)}); its log:\n{Log}");

    private string Describe(string expression)
    {
        var series = Query(expression);
        return series.Count == 0 ? "nothing" : string.Join(", ", series.Select(s => s.Value.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>[timestamp, "value"]: Prometheus gives sample values as strings.</summary>
    private static double Number(JsonElement sample) =>
        double.Parse(sample[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Posix.SendSignal(_process.Id, 15);
            if (!_process.WaitForExit(StarterProcess.DefaultTimeout))
                _process.Kill();
        }
        _process.WaitForExit();
        _process.Dispose();
        _http.Dispose();
        _dir.Dispose();
    }
}
