using Grader.Assignments;

namespace Grader.Scenarios.Suites;

/// <summary>Reads a step's <c>sql</c> list: <c>title, query, params, rows, match, unordered, ignore</c>.</summary>
internal static class SqlCheckParser
{
    internal static readonly string[] Keys = ["title", "query", "params", "rows", "match", "unordered", "ignore"];

    public static List<SqlCheck> ParseAll(YamlSequenceAt list, string what, SuiteReport report, List<(string, YamlNodeAt)> uses)
    {
        var checks = new List<SqlCheck>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var where = $"SQL check {i + 1} of {what}";
            if (list.Items[i] is not YamlMappingAt mapping)
            {
                report.Error(list.Items[i], $"{where} must be a mapping with 'query' and 'rows'");
                continue;
            }

            var fields = new MappingFields(mapping, where, Keys, report);
            var query = fields.String("query", required: true);
            var parameters = fields.Mapping("params");
            var names = new List<string>();
            foreach (var (key, _) in parameters?.Entries ?? [])
            {
                if (key is YamlScalarAt { Value: var name })
                {
                    report.ErrorIf(key, SuiteRules.VariableName(name) is { } error ? $"parameter {error}" : null);
                    names.Add(name);
                }
            }

            if (query is not null)
            {
                foreach (var error in SuiteRules.SqlQuery(query, names))
                {
                    report.Error(fields.At("query"), error);
                }
            }

            var parametersJson = parameters is null ? null : YamlJson.Convert(parameters, report, uses, checkMatchers: false);
            var rowsNode = fields.Sequence("rows", required: true);
            var rows = rowsNode is null ? null : YamlJson.Convert(rowsNode, report, uses, checkMatchers: true);
            if (query is not null && rows is not null)
            {
                checks.Add(new SqlCheck(query, rows, parametersJson, fields.String("title"), StepParser.ParseMatch(fields, report),
                    fields.Bool("unordered") ?? false, StepParser.Paths(fields, "ignore", report)));
            }
        }

        return checks;
    }
}
