using Grader.Configuration;
using Grader.Web.Assignments;
using Grader.Web.Auth;
using Grader.Web.Auth.Accounts;
using Grader.Web.Auth.Http;
using Grader.Web.Evaluations;
using Grader.Web.Gradebook;
using Grader.Web.Health;
using Grader.Web.Hosting;
using Grader.Web.Status;
using Grader.Web.Tasks;
using Orleans.Dashboard;

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
    app.UseGraderForwardedHeaders();
    app.UseExceptionHandler();
    // Pages get a readable page for 403 and 404; API calls keep their bare status and problem details.
    app.UseWhen(c => !SessionCookieEvents.IsApi(c.Request), pages => pages.UseStatusCodePagesWithReExecute("/status/{0}"));
    app.UseSecurityHeaders();
    // Explicit, so a re-executed status page is routed again (the implicit routing runs first of all).
    app.UseRouting();
    app.UseGraderAuth();
    app.MapGraderHealth();
    app.MapGraderAuth();
    app.MapTasksApi();
    app.MapTaskEventsApi();
    app.MapAssignmentsApi();
    app.MapSuitesApi();
    app.MapEvaluationsApi();
    app.MapGradesApi();
    app.MapGradebookApi();
    Grader.Web.Rejudges.RejudgesApi.MapRejudgesApi(app);
    app.MapStatusApi();
    app.MapDashboardApi();
    Grader.Web.Charts.ChartsApi.MapChartsApi(app);
    // Fingerprinted, cached and compressed from the publish manifest; open to everyone, since the
    // sign-in page needs them too.
    app.MapStaticAssets().AllowAnonymous();
    app.MapRazorPages().WithStaticAssets();
    // The JSON API's description for staff scripts; signed-in users only, like the API itself.
    app.MapOpenApi("/openapi/{documentName}.json");
    app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(AuthSchemes.StaffPolicy);
    app.Run();
    return 0;
}
catch (GraderConfigurationException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

public partial class Program;
