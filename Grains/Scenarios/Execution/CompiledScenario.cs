using Grader.Assignments;

namespace Grader.Scenarios.Execution;

/// <summary>A scenario with its steps compiled, in the scenario's order.</summary>
public sealed record CompiledScenario(
    Scenario Scenario,
    IReadOnlyList<CompiledStep> Setup,
    IReadOnlyList<CompiledStep> Steps,
    IReadOnlyList<CompiledStep> Teardown)
{
    public static CompiledScenario Compile(Scenario scenario) => new(
        scenario,
        (scenario.Setup ?? []).Select(CompiledStep.Compile).ToList(),
        scenario.Steps.Select(CompiledStep.Compile).ToList(),
        (scenario.Teardown ?? []).Select(CompiledStep.Compile).ToList());
}
