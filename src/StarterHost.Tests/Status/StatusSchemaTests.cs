using System.Text.Json;
using System.Text.Json.Nodes;
using StarterHost.Status;
using StarterHost.Tests.Support;

namespace StarterHost.Tests.Status;

/// <summary>docs/status.schema.json describes what StarterHost writes, every field of it, and refuses what it does not.</summary>
public sealed class StatusSchemaTests
{
    private static readonly DateTime At = new(2026, 11, 30, 9, 11, 2, 123, DateTimeKind.Utc);

    /// <summary>A report with every field that can be null set, so that each is checked against the schema.</summary>
    private static StatusReport Full => new(StatusReport.CurrentFormat, new HostReport(1234, "0.1.0", DateTime.UnixEpoch), At, "running", 3, 2, 1,
        new FailureReport("generation 4 worker 1300 (slot 1) died unexpectedly, status:9 (killed by SIGKILL)", At),
        new RestartFailureReport(5, "restart refused: the check command failed with status:256 (exit code 1); generation 4 keeps serving"),
        [
            new ProcessReport(3, 0, 1200, "killed", At, At, At, "TERM", new ExitReport(1100, 2, 0, 0, null, At)),
            new ProcessReport(4, 1, 1301, "serving", At, At, null, null, new ExitReport(1300, 4, 9, null, "KILL", At)),
            new ProcessReport(5, 0, 1400, "starting", At, null, null, null, null),
        ], new WorkersReport(2, 3));

    private static string Json(StatusReport report) => JsonSerializer.Serialize(report, StatusJsonContext.Default.StatusReport);

    [Fact]
    public void EveryFieldStarterHostWritesIsInTheSchema() => StatusSchema.AssertValid(Json(Full));

    [Fact]
    public void TheNamesAreSnakeCaseAndTimesUtc()
    {
        string json = Json(Full);
        Assert.Contains("\"consecutive_failures\": 1", json);
        Assert.Contains("\"written_at\": \"2026-11-30T09:11:02.123Z\"", json);
    }

    public static TheoryData<string, string> Faults => new()
    {
        { "$.processes[0].state", "\"zombie\"" },
        { "$.written_at", "\"yesterday\"" },
        { "$.processes[1].last_exit.exit_code", "256" },
        { "$.format", "2" },
        { "$.restarts", "-1" },
        { "$.starterhost.surprise", "true" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void WhatItDoesNotDescribeDoesNotValidate(string path, string value)
    {
        var root = JsonNode.Parse(Json(Full))!;
        string[] steps = path[2..].Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Split('.');
        JsonNode parent = root;
        foreach (string step in steps[..^1])
            parent = int.TryParse(step, out int index) ? parent[index]! : parent[step]!;
        parent[steps[^1]] = JsonNode.Parse(value);
        Assert.NotEmpty(StatusSchema.Faults(root.ToJsonString()));
    }

    [Fact]
    public void AMissingFieldDoesNotValidate()
    {
        var root = JsonNode.Parse(Json(Full))!.AsObject();
        root.Remove("last_failure");
        Assert.NotEmpty(StatusSchema.Faults(root.ToJsonString()));
    }
}
