using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grader.Bench.Report;

/// <summary>Renders a <see cref="BenchReport"/> as bench/results/latest.md (for people) and latest.json
/// (the same rows with their raw samples, for tools).</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Markdown(BenchReport report)
    {
        var md = new StringBuilder();
        var m = report.Machine;
        Line(md, $"# Benchmark report{(report.Quick ? " (quick)" : "")}");
        md.AppendLine();
        Line(md, $"`dotnet run -c Release --project bench/Grader.Bench -- all{(report.Quick ? " --quick" : "")}`, {report.StartedAt:yyyy-MM-dd HH:mm} to {report.FinishedAt:HH:mm} UTC ({(report.FinishedAt - report.StartedAt).TotalMinutes:0.0} min).");
        if (report.Quick)
        {
            Line(md, $"**Quick mode**: smaller counts than the goals name (each row's note gives them), so these figures show the shape, not the goal.");
        }

        md.AppendLine();
        Line(md, $"| machine | |");
        Line(md, $"| --- | --- |");
        Line(md, $"| cores, memory | {m.Cores}, {m.MemoryGb:0.0} GB |");
        Line(md, $"| OS, .NET | {m.Os}, {m.Dotnet} |");
        Line(md, $"| Docker engine, PostgreSQL | {m.DockerEngine}, {m.PostgreSql} |");
        Line(md, $"| load average (1, 5, 15 min) before, after | {Load(report.LoadBefore)}; {Load(report.LoadAfter)} |");
        Line(md, $"| commit | {m.Commit} |");
        md.AppendLine();
        Line(md, $"| measure | goal | value | floor (same run) | result | note |");
        Line(md, $"| --- | --- | --- | --- | --- | --- |");
        foreach (var (measure, goal) in IssueGoals.All)
        {
            var rows = report.Results.Where(r => r.Measure == measure).ToList();
            if (rows.Count == 0)
            {
                Line(md, $"| {measure} | {goal} | | | not measured | {NotMeasuredWhy(report)} |");
            }

            foreach (var row in rows)
            {
                Row(md, row);
            }
        }

        var others = report.Results.Where(r => IssueGoals.All.All(g => g.Measure != r.Measure)).ToList();
        if (others.Count > 0)
        {
            md.AppendLine();
            Line(md, $"Other goals measured in this run:");
            md.AppendLine();
            Line(md, $"| measure | goal | value | floor (same run) | result | note |");
            Line(md, $"| --- | --- | --- | --- | --- | --- |");
            foreach (var row in others)
            {
                Row(md, row);
            }
        }

        md.AppendLine();
        Line(md, $"| measure run | seconds | outcome |");
        Line(md, $"| --- | --- | --- |");
        foreach (var run in report.Measures)
        {
            Line(md, $"| {run.Name} | {run.Seconds:0} | {(run.Error is null ? "ok" : "failed: " + Cell(run.Error))} |");
        }

        md.AppendLine();
        Line(md, $"Raw samples for every row are in latest.json.");
        return md.ToString();
    }

    public static string Json(BenchReport report) => JsonSerializer.Serialize(new
    {
        report.Quick,
        report.StartedAt,
        report.FinishedAt,
        report.Machine,
        report.LoadBefore,
        report.LoadAfter,
        report.Measures,
        NotMeasured = IssueGoals.All.Where(g => report.Results.All(r => r.Measure != g.Measure)).Select(g => g.Measure).ToList(),
        report.Results,
    }, JsonOptions);

    private static string NotMeasuredWhy(BenchReport report)
    {
        var failed = report.Measures.Where(r => r.Error is not null).Select(r => r.Name).ToList();
        return failed.Count == 0 ? "no measure in this run answers it" : $"no row; failed measures: {string.Join(", ", failed)}";
    }

    private static void Row(StringBuilder md, GoalResult row) =>
        Line(md, $"| {row.Measure} | {Cell(row.Goal)} | {Figure(row.Value)} {row.Unit} | {(row.Floor is { } f ? Figure(f) + " " + row.Unit : "")} | {(row.Met ? "met" : "**missed**")} | {Cell(row.Note)} |");

    private static string Figure(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 or <= -100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 or <= -10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00#", CultureInfo.InvariantCulture),
    };

    private static string Load(double[] load) => string.Join(", ", load.Select(l => l.ToString("0.00", CultureInfo.InvariantCulture)));

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static void Line(StringBuilder md, FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));
}
