using Grader.Configuration;
using Grader.Web.Assignments;
using Grader.Web.Auth;
using Grader.Web.Auth.Accounts;
using Grader.Web.Health;
using Grader.Web.Hosting;
using Grader.Web.Status;
using Grader.Web.Tasks;

try
{
    if (CreateAdminCommand.Matches(args))
    {
        return await CreateAdminCommand.RunAsync(args);
    }

    var builder = WebApplication.CreateBuilder(args);
    builder.AddGraderWeb();
    builder.AddGraderAuth();

    var app = builder.Build();
    app.UseExceptionHandler();
    app.UseGraderAuth();
    app.MapGraderHealth();
    app.MapGraderAuth();
    app.MapTasksApi();
    app.MapAssignmentsApi();
    app.MapStatusApi();
    app.Run();
    return 0;
}
catch (GraderConfigurationException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

public partial class Program;
