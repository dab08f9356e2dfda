using Grader.Cli.Commands;
using Grader.Scenarios.Reports;

namespace Grader.IntegrationTests.LocalRun;

/// <summary>Acceptance 3: <c>grader test</c> against the app running on the student's own machine prints
/// the same verdicts and points as the grader gives the same app's image.</summary>
[Collection(GradingCollection.Name)]
public sealed class GraderTestCommandTests(GraderFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Theory]
    [InlineData("wrong")]
    [InlineData("correct")]
    public async Task LocalRunPrintsTheGradersVerdictsAndPoints(string mode)
    {
        var assignment = await grader.DemoAssignmentAsync($"cli-compare-{mode}");
        var graded = await grader.RunAsync(new TaskSpec($"student-cli-{mode}", assignment.Id, grader.Image(mode), IncludePrivate: false));
        Assert.Equal(GradingStatus.Completed, graded.Status);

        // The public part of the suite, as staff download it for students.
        var suite = await grader.Http.GetStringAsync($"/api/assignments/{assignment.Id}/suite/public");
        var suiteFile = Path.Combine(Path.GetTempPath(), $"suite-{mode}-{LocalStack.RunId}.yaml");
        await File.WriteAllTextAsync(suiteFile, suite);
        await using var app = await LocalStudentApp.StartAsync(mode, $"grader_it_cli_{mode}_{LocalStack.RunId}", assignment.Environment);
        var output = new StringWriter();
        int exit;
        try
        {
            var command = new System.CommandLine.RootCommand { TestCommand.Create(output) };
            exit = await command.Parse(["test", "--suite", suiteFile, "--base-url", $"http://localhost:{app.Port}"]).InvokeAsync();
        }
        finally
        {
            File.Delete(suiteFile);
        }

        var expected = graded.Steps.OrderBy(s => s.ReportedAt).SelectMany(VerdictText.Lines).Append(VerdictText.Total(graded.Steps)).ToList();
        // As one text, so a failure shows the line that differs in full.
        Assert.Equal(string.Join('\n', expected), output.ToString().TrimEnd('\n'));
        Assert.Equal(graded.Score == graded.MaxScore ? 0 : 1, exit);
        Assert.Contains(graded.Steps, s => s.Kind == StepKind.Step);
    }
}
