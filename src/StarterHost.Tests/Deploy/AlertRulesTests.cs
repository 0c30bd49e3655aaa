using StarterHost.Tests.Metrics;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Deploy;

/// <summary>deploy/prometheus/starterhost-alerts.yml: valid rules, that fire when they should and not otherwise, on what StarterHost emits.</summary>
public sealed class AlertRulesTests : IDisposable
{
    private static readonly string RulesPath = Path.Combine(Repository.Root, "deploy", "prometheus", "starterhost-alerts.yml");

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [PromtoolFact]
    public void PromtoolChecksTheRules()
    {
        var (code, output) = Promtool.Run(["check", "rules", RulesPath]);
        Assert.True(code == 0, $"promtool check rules: exit {code}\n{output}");
        Assert.Contains("SUCCESS: 2 rules found", output);
    }

    [Fact]
    public void TheRulesNameOnlyMetricsStarterHostEmits()
    {
        var emitted = Snapshots.EmittedSeries();
        var named = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(RulesPath), @"\b(starterhost_[a-z_]+|process_[a-z_]+)\b")
            .Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(named);
        Assert.All(named, metric => Assert.True(emitted.ContainsKey(metric), $"{metric} is not emitted"));
    }

    [PromtoolFact]
    public void TheQueueAlertFiresOnAQueueHeldNearItsBacklogForMinutesAndNotOnSpikes() => AssertRulesBehave($$"""
        - interval: 1m
          input_series:
            - series: 'starterhost_listen_queue_length{instance="web:9100",job="starterhost",listener="127.0.0.1:8080"}'
              values: '0 5 3800 3900 4000 4000 4000 4000'
            - series: 'starterhost_listen_backlog{instance="web:9100",job="starterhost",listener="127.0.0.1:8080"}'
              values: '4096x7'
            - series: 'starterhost_listen_queue_length{instance="web:9100",job="starterhost",listener="/run/app.sock"}'
              values: '4000 0 4000 0 4000 0 4000 0'
            - series: 'starterhost_listen_backlog{instance="web:9100",job="starterhost",listener="/run/app.sock"}'
              values: '4096x7'
          alert_rule_test:
            - eval_time: 4m
              alertname: StarterHostAcceptQueueNearBacklog
              exp_alerts: []
            - eval_time: 6m
              alertname: StarterHostAcceptQueueNearBacklog
              exp_alerts:
                - exp_labels: {severity: warning, instance: "web:9100", job: starterhost, listener: "127.0.0.1:8080"}
                  exp_annotations:
                    summary: "Connections pile up on 127.0.0.1:8080 (web:9100)"
                    description: "4000 connections have waited in the accept queue of 127.0.0.1:8080, more than 80% of its backlog, for 3 minutes: the workers accept more slowly than connections arrive. Once the queue is full, the kernel drops new connections."
        """);

    [PromtoolFact]
    public void TheStartAlertFiresOnACrashLoopAndAStuckStartNotOnOneFailedStart() => AssertRulesBehave("""
        - interval: 1m
          input_series:
            # A worker that fails to start every minute; a pool member in it is starting half the time.
            - series: 'starterhost_failed_starts_total{instance="loop:9100",job="starterhost"}'
              values: '0+1x40'
            - series: 'starterhost_workers{instance="loop:9100",job="starterhost",state="starting"}'
              values: '1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0'
            # A deploy's failed starts, retried, then started.
            - series: 'starterhost_failed_starts_total{instance="once:9100",job="starterhost"}'
              values: '0 1 2 2x37'
            - series: 'starterhost_workers{instance="once:9100",job="starterhost",state="starting"}'
              values: '1 1 1 0x37'
            # A new generation that never becomes ready.
            - series: 'starterhost_failed_starts_total{instance="stuck:9100",job="starterhost"}'
              values: '0x40'
            - series: 'starterhost_workers{instance="stuck:9100",job="starterhost",state="starting"}'
              values: '0 0 1x38'
          alert_rule_test:
            - eval_time: 10m
              alertname: StarterHostWorkersNotStarting
              exp_alerts: []
            - eval_time: 25m
              alertname: StarterHostWorkersNotStarting
              exp_alerts:
                - exp_labels: {severity: critical, instance: "loop:9100", job: starterhost}
                  exp_annotations:
                    summary: "Workers of loop:9100 do not start"
                    description: "For 15 minutes, workers have kept failing to start or one has been starting: the new generation does not serve. StarterHost's log, or its --status-json report, gives the last failure."
                - exp_labels: {severity: critical, instance: "stuck:9100", job: starterhost}
                  exp_annotations:
                    summary: "Workers of stuck:9100 do not start"
                    description: "For 15 minutes, workers have kept failing to start or one has been starting: the new generation does not serve. StarterHost's log, or its --status-json report, gives the last failure."
        """);

    /// <summary>promtool test rules on the shipped rules with <paramref name="tests"/> (YAML, the items of tests:).</summary>
    private void AssertRulesBehave(string tests)
    {
        string file = _dir.File("alerts.test.yml");
        string indented = string.Join('\n', tests.Split('\n').Select(line => "  " + line));
        File.WriteAllText(file, $"rule_files:\n  - {RulesPath}\nevaluation_interval: 1m\ntests:\n{indented}\n");
        var (code, output) = Promtool.Run(["test", "rules", file]);
        Assert.True(code == 0, $"promtool test rules: exit {code}\n{output}");
    }
}
