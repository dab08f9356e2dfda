using Grader.Assignments;

namespace Grader.Scenarios.Suites;

/// <summary>Reads a step's <c>capture</c> mapping (name: JSONPath, or name: { header: X }) and its
/// <c>retry</c>: the two parts that shape what later steps can rely on.</summary>
internal static class CaptureParser
{
    internal static readonly string[] RetryKeys = ["attempts", "interval"];
    internal static readonly string[] CaptureKeys = ["json", "header"];

    public static List<StepCapture>? Parse(YamlMappingAt? node, string what, SuiteReport report)
    {
        if (node is null)
        {
            return null;
        }

        var captures = new List<StepCapture>();
        foreach (var (nameNode, source) in node.Entries)
        {
            if (nameNode is not YamlScalarAt { Value: var name })
            {
                report.Error(nameNode, "a capture's name must be plain text");
                continue;
            }

            report.ErrorIf(nameNode, SuiteRules.VariableName(name));
            if (captures.Any(c => c.Name == name))
            {
                report.Error(nameNode, $"'{name}' is captured twice in {what}");
            }

            switch (source)
            {
                case YamlScalarAt { IsNull: false } path:
                    report.ErrorIf(path, SuiteRules.JsonPath(path.Value, singleValue: true) is { } error ? $"capture '{name}': {error}" : null);
                    captures.Add(new StepCapture(name, JsonPath: path.Value));
                    break;
                case YamlMappingAt mapping:
                    var fields = new MappingFields(mapping, $"capture '{name}'", CaptureKeys, report);
                    var json = fields.String("json");
                    var header = fields.String("header");
                    if ((json is null) == (header is null))
                    {
                        report.Error(mapping, $"capture '{name}' needs exactly one of 'json' (a JSONPath into the body) or 'header'");
                    }
                    else if (json is not null)
                    {
                        report.ErrorIf(fields.At("json"), SuiteRules.JsonPath(json, singleValue: true) is { } pathError ? $"capture '{name}': {pathError}" : null);
                    }
                    else
                    {
                        report.ErrorIf(fields.At("header"), SuiteRules.HeaderName(header!));
                    }

                    captures.Add(new StepCapture(name, json, header));
                    break;
                default:
                    report.Error(source, $"capture '{name}' must be a JSONPath such as $.id, or {{ header: Location }}");
                    break;
            }
        }

        return captures;
    }

    public static StepRetry? ParseRetry(YamlMappingAt? node, string what, SuiteReport report)
    {
        if (node is null)
        {
            return null;
        }

        var fields = new MappingFields(node, $"the retry of {what}", RetryKeys, report);
        var attempts = fields.Int("attempts", required: true) ?? 1;
        var interval = fields.Seconds("interval") ?? 1;
        report.ErrorIf(node, SuiteRules.Retry(attempts, interval));
        return new StepRetry(attempts, interval);
    }
}
