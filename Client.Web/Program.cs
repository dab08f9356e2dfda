using Grader.Configuration;
using Grader.Web.Assignments;
using Grader.Web.Evaluations;
using Grader.Web.Health;
using Grader.Web.Hosting;
using Grader.Web.Status;
using Grader.Web.Tasks;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddGraderWeb();

    var app = builder.Build();
    app.UseExceptionHandler();
    app.MapGraderHealth();
    app.MapTasksApi();
    app.MapTaskEventsApi();
    app.MapAssignmentsApi();
    app.MapSuitesApi();
    app.MapEvaluationsApi();
    app.MapGradesApi();
    app.MapStatusApi();
    app.MapDashboardApi();
    app.Run();
    return 0;
}
catch (GraderConfigurationException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

public partial class Program;
