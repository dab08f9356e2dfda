using System.Globalization;
using System.Text.Json;
using Grader.Assignments;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Grader.Scenarios.Suites;

/// <summary>Writes scenarios as a version 1 suite that <see cref="SuiteParser"/> reads back to the same
/// model. Defaults are left out so the file stays short; JSON bodies become YAML.</summary>
public static class SuiteWriter
{
    public static string Write(IEnumerable<Scenario> scenarios)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text, new EmitterSettings().WithBestIndent(2).WithBestWidth(160));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        emitter.Emit(new MappingStart());
        Key(emitter, "version");
        Plain(emitter, SuiteRules.SupportedVersion.ToString(CultureInfo.InvariantCulture));
        Key(emitter, "scenarios");
        emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
        foreach (var scenario in scenarios)
        {
            WriteScenario(emitter, scenario);
        }

        emitter.Emit(new SequenceEnd());
        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void WriteScenario(IEmitter emitter, Scenario scenario)
    {
        emitter.Emit(new MappingStart());
        Key(emitter, "id");
        Text(emitter, scenario.Id);
        if (scenario.Title != scenario.Id)
        {
            Key(emitter, "title");
            Text(emitter, scenario.Title);
        }

        Key(emitter, "visibility");
        Plain(emitter, scenario.IsPublic ? "public" : "private");
        if (scenario.Priority != 0)
        {
            Key(emitter, "priority");
            Plain(emitter, scenario.Priority.ToString(CultureInfo.InvariantCulture));
        }

        WriteSteps(emitter, "setup", scenario.Setup, scored: false);
        WriteSteps(emitter, "steps", scenario.Steps, scored: true);
        WriteSteps(emitter, "teardown", scenario.Teardown, scored: false);
        emitter.Emit(new MappingEnd());
    }

    private static void WriteSteps(IEmitter emitter, string key, IReadOnlyList<ScenarioStep>? steps, bool scored)
    {
        if (steps is null || (steps.Count == 0 && !scored))
        {
            return;
        }

        Key(emitter, key);
        emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
        foreach (var step in steps)
        {
            WriteStep(emitter, step, scored);
        }

        emitter.Emit(new SequenceEnd());
    }

    private static void WriteStep(IEmitter emitter, ScenarioStep step, bool scored)
    {
        emitter.Emit(new MappingStart());
        if (step.Title is not null)
        {
            Key(emitter, "title");
            Text(emitter, step.Title);
        }

        Key(emitter, "request");
        WriteRequest(emitter, step.Request);
        if (!IsDefault(step.Expect))
        {
            Key(emitter, "expect");
            WriteExpect(emitter, step.Expect);
        }

        if (step.Captures is { Count: > 0 } captures)
        {
            Key(emitter, "capture");
            emitter.Emit(new MappingStart());
            foreach (var capture in captures)
            {
                Key(emitter, capture.Name);
                if (capture.Header is not null)
                {
                    emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Flow));
                    Key(emitter, "header");
                    Text(emitter, capture.Header);
                    emitter.Emit(new MappingEnd());
                }
                else
                {
                    Text(emitter, capture.JsonPath ?? "$");
                }
            }

            emitter.Emit(new MappingEnd());
        }

        if (scored && step.Points != 1)
        {
            Key(emitter, "points");
            Plain(emitter, step.Points.ToString(CultureInfo.InvariantCulture));
        }

        if (step.TimeoutSeconds is { } timeout)
        {
            Key(emitter, "timeout");
            Plain(emitter, timeout.ToString(CultureInfo.InvariantCulture));
        }

        if (step.Retry is { } retry)
        {
            Key(emitter, "retry");
            emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Flow));
            Key(emitter, "attempts");
            Plain(emitter, retry.Attempts.ToString(CultureInfo.InvariantCulture));
            Key(emitter, "interval");
            Plain(emitter, retry.IntervalSeconds.ToString(CultureInfo.InvariantCulture));
            emitter.Emit(new MappingEnd());
        }

        if (step.SqlChecks is { Count: > 0 } checks)
        {
            Key(emitter, "sql");
            emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
            foreach (var check in checks)
            {
                WriteSqlCheck(emitter, check);
            }

            emitter.Emit(new SequenceEnd());
        }

        emitter.Emit(new MappingEnd());
    }

    private static void WriteRequest(IEmitter emitter, StepRequest request)
    {
        emitter.Emit(new MappingStart());
        Key(emitter, "method");
        Plain(emitter, request.Method);
        Key(emitter, "path");
        Text(emitter, request.Path);
        TextMap(emitter, "query", request.Query);
        TextMap(emitter, "headers", request.Headers);
        if (request.JsonBody is not null)
        {
            Key(emitter, "json");
            Json(emitter, request.JsonBody);
        }

        if (request.RawBody is not null)
        {
            Key(emitter, "body");
            Text(emitter, request.RawBody);
        }

        emitter.Emit(new MappingEnd());
    }

    private static bool IsDefault(StepExpectation expect) =>
        expect.Status.Count == 0 && expect.JsonBody is null && expect.Headers is not { Count: > 0 };

    private static void WriteExpect(IEmitter emitter, StepExpectation expect)
    {
        emitter.Emit(new MappingStart());
        if (expect.Status.Count == 1)
        {
            Key(emitter, "status");
            Plain(emitter, expect.Status[0].ToString(CultureInfo.InvariantCulture));
        }
        else if (expect.Status.Count > 1)
        {
            Key(emitter, "status");
            emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Flow));
            foreach (var status in expect.Status)
            {
                Plain(emitter, status.ToString(CultureInfo.InvariantCulture));
            }

            emitter.Emit(new SequenceEnd());
        }

        TextMap(emitter, "headers", expect.Headers);
        if (expect.JsonBody is "")
        {
            Key(emitter, "empty");
            Plain(emitter, "true");
        }
        else if (expect.JsonBody is not null)
        {
            Key(emitter, "body");
            Json(emitter, expect.JsonBody);
        }

        MatchOptions(emitter, expect.Match, expect.Ignore);
        TextList(emitter, "unordered", expect.Unordered);
        if (expect.Tolerance != 0)
        {
            Key(emitter, "tolerance");
            Plain(emitter, expect.Tolerance.ToString(CultureInfo.InvariantCulture));
        }

        emitter.Emit(new MappingEnd());
    }

    private static void WriteSqlCheck(IEmitter emitter, SqlCheck check)
    {
        emitter.Emit(new MappingStart());
        if (check.Title is not null)
        {
            Key(emitter, "title");
            Text(emitter, check.Title);
        }

        Key(emitter, "query");
        Text(emitter, check.Query);
        if (check.Parameters is not null)
        {
            Key(emitter, "params");
            Json(emitter, check.Parameters);
        }

        Key(emitter, "rows");
        Json(emitter, check.ExpectedRows);
        MatchOptions(emitter, check.Match, check.Ignore);
        if (check.Unordered)
        {
            Key(emitter, "unordered");
            Plain(emitter, "true");
        }

        emitter.Emit(new MappingEnd());
    }

    private static void MatchOptions(IEmitter emitter, MatchMode match, IReadOnlyList<string>? ignore)
    {
        if (match != MatchMode.Exact)
        {
            Key(emitter, "match");
            Plain(emitter, match.ToString().ToLowerInvariant());
        }

        TextList(emitter, "ignore", ignore);
    }

    private static void TextList(IEmitter emitter, string key, IReadOnlyList<string>? values)
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        Key(emitter, key);
        emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Flow));
        foreach (var value in values)
        {
            Text(emitter, value);
        }

        emitter.Emit(new SequenceEnd());
    }

    private static void TextMap(IEmitter emitter, string key, IReadOnlyDictionary<string, string>? map)
    {
        if (map is not { Count: > 0 })
        {
            return;
        }

        Key(emitter, key);
        emitter.Emit(new MappingStart());
        foreach (var (name, value) in map)
        {
            Key(emitter, name);
            Text(emitter, value);
        }

        emitter.Emit(new MappingEnd());
    }

    private static void Json(IEmitter emitter, string json)
    {
        using var document = JsonDocument.Parse(json);
        Json(emitter, document.RootElement);
    }

    private static void Json(IEmitter emitter, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // Short objects stay on one line, as people write them by hand.
                var flow = element.GetRawText().Length <= 60;
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, flow ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var property in element.EnumerateObject())
                {
                    Key(emitter, property.Name);
                    Json(emitter, property.Value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonValueKind.Array:
                var scalars = element.EnumerateArray().All(i => i.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array));
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, scalars ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in element.EnumerateArray())
                {
                    Json(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValueKind.String:
                Text(emitter, element.GetString()!);
                break;
            default:
                Plain(emitter, element.GetRawText());
                break;
        }
    }

    private static void Key(IEmitter emitter, string key) => Text(emitter, key);

    /// <summary>A string: plain when it reads back as the same string, double-quoted otherwise.</summary>
    private static void Text(IEmitter emitter, string value) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value,
            YamlJson.ReadsBackAsString(value) ? ScalarStyle.Any : ScalarStyle.DoubleQuoted, true, true));

    private static void Plain(IEmitter emitter, string value) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, ScalarStyle.Plain, true, false));
}
