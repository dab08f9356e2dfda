using System.Net;
using Grader.Cli.Staff;

namespace Grader.UnitTests.StaffCli;

public sealed class ExitCodeTests
{
    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, ExitCodes.NotSignedIn)]
    [InlineData(HttpStatusCode.Forbidden, ExitCodes.NotSignedIn)]
    [InlineData(HttpStatusCode.BadRequest, ExitCodes.InvalidInput)]
    [InlineData(HttpStatusCode.NotFound, ExitCodes.InvalidInput)]
    [InlineData(HttpStatusCode.Conflict, ExitCodes.InvalidInput)]
    [InlineData(HttpStatusCode.TooManyRequests, ExitCodes.Unreachable)]
    [InlineData(HttpStatusCode.InternalServerError, ExitCodes.Unreachable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ExitCodes.Unreachable)]
    public void AnHttpFailureMapsToTheCodeItMeans(HttpStatusCode status, int expected) =>
        Assert.Equal(expected, ExitCodes.ForStatus(status));

    [Fact]
    public void EveryCodeIsDocumentedInTheHelp()
    {
        foreach (var code in new[] { ExitCodes.Success, ExitCodes.WorkFailed, ExitCodes.Usage, ExitCodes.NotSignedIn, ExitCodes.Unreachable, ExitCodes.InvalidInput, Grader.Cli.Commands.EvaluateCommand.Interrupted })
        {
            Assert.Matches($@"(?m)^\s+{code}\s+\S", ExitCodes.Help);
        }
    }

    [Theory]
    [InlineData(GradingStatus.Completed, 10, 10, ExitCodes.Success)]
    [InlineData(GradingStatus.Completed, 7, 10, ExitCodes.WorkFailed)]
    [InlineData(GradingStatus.Failed, 0, 10, ExitCodes.WorkFailed)]
    [InlineData(GradingStatus.Cancelled, 10, 10, ExitCodes.WorkFailed)]
    public void ATaskPassesOnlyCompletedWithFullMarks(GradingStatus status, int score, int max, int expected) =>
        Assert.Equal(expected, Verdicts.ForTask(status, score, max));

    [Fact]
    public void AnEvaluationFailsWithOneFailingStudentAndIsInvalidWithARejectedLine()
    {
        (GradingStatus, decimal, decimal)[] allPass = [(GradingStatus.Completed, 10, 10), (GradingStatus.Completed, 5, 5)];
        (GradingStatus, decimal, decimal)[] oneFails = [(GradingStatus.Completed, 10, 10), (GradingStatus.Completed, 3, 10)];
        Assert.Equal(ExitCodes.Success, Verdicts.ForEvaluation(allPass, rejectedLines: 0));
        Assert.Equal(ExitCodes.WorkFailed, Verdicts.ForEvaluation(oneFails, rejectedLines: 0));
        Assert.Equal(ExitCodes.InvalidInput, Verdicts.ForEvaluation(allPass, rejectedLines: 1));
        Assert.Equal(ExitCodes.InvalidInput, Verdicts.ForEvaluation(oneFails, rejectedLines: 2));
    }

    [Fact]
    public void AProblemAnswerBecomesOneLinePerValidationError()
    {
        const string body = """{"title":"The suite was not stored.","status":400,"errors":{"suite":["hw.yaml:3:5: unknown key 'foo'","hw.yaml:9:1: no steps"]}}""";
        Assert.Equal(["hw.yaml:3:5: unknown key 'foo'", "hw.yaml:9:1: no steps"], GraderApi.ProblemLines(body));
        Assert.Equal(["No active host is named 'x'."], GraderApi.ProblemLines("""{"status":404,"detail":"No active host is named 'x'."}"""));
        Assert.Empty(GraderApi.ProblemLines("<html>bad gateway</html>"));
        var request = new HttpRequestMessage(HttpMethod.Get, "http://grader/api/tasks/1");
        Assert.Equal("GET /api/tasks/1: 502 BadGateway", GraderApi.Describe(HttpStatusCode.BadGateway, request, "<html>"));
        Assert.Contains("grader login", GraderApi.Describe(HttpStatusCode.Unauthorized, request, ""), StringComparison.Ordinal);
    }
}
