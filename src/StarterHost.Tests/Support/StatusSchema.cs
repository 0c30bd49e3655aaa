using System.Text.Json;
using Json.Schema;

namespace StarterHost.Tests.Support;

/// <summary>docs/status.schema.json, as a consumer of --status-json would validate against it (formats included).</summary>
internal static class StatusSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "status.schema.json"))));

    /// <summary>What is wrong with <paramref name="json"/>, one line per fault: none when it validates.</summary>
    public static IReadOnlyList<string> Faults(string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions
        {
            OutputFormat = OutputFormat.List,
            RequireFormatValidation = true,
        });
        if (results.IsValid)
            return [];
        return [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))];
    }

    /// <summary>Asserts that <paramref name="json"/> validates, naming every fault when it does not.</summary>
    public static void AssertValid(string json)
    {
        var faults = Faults(json);
        Assert.True(faults.Count == 0, $"does not validate against docs/status.schema.json:\n{string.Join('\n', faults)}\n{json}");
    }
}
