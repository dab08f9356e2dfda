using Grader.Assignments;
using Grader.Tasks;
using YamlDotNet.Core;

namespace Grader.Scenarios.Suites;

/// <summary>Reads a scenario suite (YAML, or JSON, which is YAML too) and lists every error with its
/// file:line:column. The result's scenarios are only to be stored when there are no errors.</summary>
public static class SuiteParser
{
    internal static readonly string[] SuiteKeys = ["version", "scenarios"];
    internal static readonly string[] ScenarioKeys = ["id", "title", "visibility", "priority", "points", "setup", "steps", "teardown"];

    public static SuiteParseResult Parse(string text, string file = "suite.yaml")
    {
        var report = new SuiteReport(file);
        YamlNodeAt? root;
        try
        {
            root = YamlTree.Load(text);
        }
        catch (YamlException e)
        {
            // Bad syntax leaves nothing to read further; report where the parser stopped.
            var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            return Failed(new SuiteError(file, (int)e.Start.Line, (int)e.Start.Column, $"YAML syntax: {message}"));
        }

        if (root is not YamlMappingAt mapping)
        {
            return Failed(new SuiteError(file, root?.Line ?? 1, root?.Column ?? 1, "a suite is a mapping with 'version: 1' and 'scenarios'"));
        }

        var fields = new MappingFields(mapping, "the suite", SuiteKeys, report);
        if (fields.Int("version", required: true) is { } version && version != SuiteRules.SupportedVersion)
        {
            report.Error(fields.At("version"), $"version {version} is not supported; this grader reads version {SuiteRules.SupportedVersion}");
        }

        var scenarios = new List<Scenario>();
        var ids = new Dictionary<string, YamlNodeAt>(StringComparer.Ordinal);
        foreach (var node in fields.Sequence("scenarios", required: true)?.Items ?? [])
        {
            if (ParseScenario(node, report, ids) is { } scenario)
            {
                scenarios.Add(scenario);
            }
        }

        return new SuiteParseResult(scenarios, report.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());
    }

    private static SuiteParseResult Failed(SuiteError error) => new(new List<Scenario>(), new List<SuiteError> { error });

    private static Scenario? ParseScenario(YamlNodeAt node, SuiteReport report, Dictionary<string, YamlNodeAt> ids)
    {
        if (node is not YamlMappingAt mapping)
        {
            report.Error(node, $"a scenario must be a mapping with 'id' and 'steps', not {MappingFields.Describe(node)}");
            return null;
        }

        var fields = new MappingFields(mapping, "a scenario", ScenarioKeys, report);
        var id = fields.String("id", required: true);
        if (id is not null)
        {
            report.ErrorIf(fields.At("id"), SuiteRules.ScenarioId(id));
            if (!ids.TryAdd(id, fields.At("id")))
            {
                report.Error(fields.At("id"), $"duplicate scenario id '{id}' (first at line {ids[id].Line})");
            }
        }

        var what = $"scenario '{id ?? "?"}'";
        var isPublic = fields.String("visibility") switch
        {
            null or "public" => true,
            "private" => false,
            var other => Invalid(report, fields.At("visibility"), $"visibility '{other}' must be 'public' or 'private'"),
        };
        var priority = fields.Int("priority") ?? 0;
        var total = fields.Decimal("points");
        if (total is { } t)
        {
            report.ErrorIf(fields.At("points"), SuiteRules.Points(t));
        }

        var defined = new Dictionary<string, string>(StringComparer.Ordinal);
        var setup = ParseSteps(fields.Sequence("setup"), StepKind.Setup, what, report, defined);
        var steps = ParseSteps(fields.Sequence("steps", required: true), StepKind.Step, what, report, defined);
        var teardown = ParseSteps(fields.Sequence("teardown"), StepKind.Teardown, what, report, defined);
        if (fields["steps"] is YamlSequenceAt { Items.Count: 0 } empty)
        {
            report.Error(empty, $"{what} has no steps");
        }

        if (id is null || steps is null)
        {
            return null;
        }

        var scored = SharePoints(steps, total, fields.At("points"), what, report);
        return new Scenario(id, fields.String("title") ?? id, isPublic, priority, scored,
            setup?.Select(s => s.Step).ToList(), teardown?.Select(s => s.Step).ToList());
    }

    /// <summary>Parses a list of steps in order, checking that each variable a step uses was captured
    /// by an earlier step (a step's SQL checks may also use what the step itself captured).</summary>
    private static List<ParsedStep>? ParseSteps(YamlSequenceAt? list, StepKind kind, string scenario, SuiteReport report, Dictionary<string, string> defined)
    {
        if (list is null)
        {
            return null;
        }

        var parsed = new List<ParsedStep>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var what = $"{(kind == StepKind.Step ? "" : kind.ToString().ToLowerInvariant() + " ")}step {i + 1} of {scenario}";
            var step = StepParser.Parse(list.Items[i], kind, what, report);
            if (step is null)
            {
                continue;
            }

            CheckDefined(step.Uses, defined, what, report);
            foreach (var name in step.Captures)
            {
                defined[name] = what;
            }

            CheckDefined(step.SqlUses, defined, what, report);
            parsed.Add(step);
        }

        return parsed;
    }

    private static void CheckDefined(List<(string Name, YamlNodeAt At)> uses, Dictionary<string, string> defined, string what, SuiteReport report)
    {
        foreach (var (name, at) in uses.DistinctBy(u => (u.Name, u.At)))
        {
            if (!defined.ContainsKey(name))
            {
                report.Error(at, $"{{{{{name}}}}} is used in {what} but no earlier step captures '{name}'");
            }
        }
    }

    /// <summary>A scenario's <c>points</c> are shared equally by the steps that name none of their own
    /// (rounded to cents, the last step taking the remainder); without it each such step is worth 1.</summary>
    private static List<ScenarioStep> SharePoints(List<ParsedStep> steps, decimal? total, YamlNodeAt at, string what, SuiteReport report)
    {
        if (total is not { } points)
        {
            return steps.Select(s => s.Step).ToList();
        }

        var own = steps.Where(s => s.HasOwnPoints).Sum(s => s.Step.Points);
        var sharing = steps.Where(s => !s.HasOwnPoints).ToList();
        if (own > points || (sharing.Count == 0 && own != points))
        {
            report.Error(at, $"{what} is worth {points} points but its steps name {own}");
            return steps.Select(s => s.Step).ToList();
        }

        var share = sharing.Count == 0 ? 0 : Math.Round((points - own) / sharing.Count, 2, MidpointRounding.ToZero);
        var last = sharing.LastOrDefault();
        return steps.Select(s => s.HasOwnPoints ? s.Step
            : s.Step with { Points = s == last ? points - own - (share * (sharing.Count - 1)) : share }).ToList();
    }

    private static bool Invalid(SuiteReport report, YamlNodeAt at, string message)
    {
        report.Error(at, message);
        return true;
    }
}
