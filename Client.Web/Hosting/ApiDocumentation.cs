using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grader.Web.Hosting;

/// <summary>The JSON API's OpenAPI document: a summary for every operation, the two ways to sign in
/// (the session cookie of the pages, or an API token as a bearer), and no Orleans dashboard routes.
/// It is read at <c>/openapi/v1.json</c> and shown by the bundled reference at <c>/api-docs</c>.</summary>
public static class ApiDocumentation
{
    public const string BearerScheme = "bearer";
    public const string CookieScheme = "cookie";

    /// <summary>One line per operation, keyed by method and route as the document spells them. A new
    /// endpoint without a line here fails <c>ApiDocumentTests</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Summaries = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["POST /api/tasks"] = "Submit an image for an assignment; answers with the task and its place in line.",
        ["GET /api/tasks/{id}"] = "A task's state, phases and step results (staff see private steps).",
        ["POST /api/tasks/{id}/cancel"] = "Cancel a task that has not finished.",
        ["GET /api/tasks/{id}/events"] = "Server-sent events with every change of a task until it is final.",
        ["GET /api/assignments/{id}"] = "An assignment's settings and its public scenarios.",
        ["PUT /api/assignments/{id}"] = "Create or replace a whole assignment, scenarios included (staff).",
        ["PATCH /api/assignments/{id}"] = "Change some settings (JSON merge patch: left out stays, null clears); the suite is never touched (staff).",
        ["GET /api/assignments/{id}/changes"] = "Who changed the assignment's settings or suite, and when (staff).",
        ["GET /api/assignments/{id}/suite"] = "The assignment's whole scenario suite as YAML (staff).",
        ["PUT /api/assignments/{id}/suite"] = "Replace the assignment's suite with an uploaded YAML or JSON file; every error is listed (staff).",
        ["POST /api/assignments/{id}/suite/validate"] = "Check a suite file against the assignment as an upload would, storing nothing; every error is listed (staff).",
        ["GET /api/assignments/{id}/suite/public"] = "The public part of the suite, for students to run with `grader test` (staff).",
        ["GET /api/assignments/{id}/grades.csv"] = "Grades per student as CSV, from the submission the assignment's grade rule picks (staff).",
        ["GET /api/assignments/{id}/gradebook"] = "The gradebook: per student, the picked task and its points per scenario (staff).",
        ["GET /api/assignments/{id}/gradebook.csv"] = "The gradebook as CSV, one column per scenario plus the student's name and email (staff).",
        ["POST /api/assignments/{id}/rejudges"] = "Rejudge: re-run each chosen task in a scope (assignment, evaluation, below full) at batch priority (staff).",
        ["GET /api/assignments/{id}/rejudges"] = "The assignment's rejudge history: who, when, suite version, counts, decision (staff).",
        ["GET /api/rejudges/{rejudgeId}"] = "A rejudge's preview: old against new verdict and score per student, changes marked (staff).",
        ["POST /api/rejudges/{rejudgeId}/apply"] = "Apply a finished rejudge: its new results replace the old in the gradebook and grades (staff).",
        ["POST /api/rejudges/{rejudgeId}/discard"] = "Discard a rejudge: every grade stays as it was; unfinished re-runs are cancelled (staff).",
        ["POST /api/suite-import/reference"] = "Import scenario rows exported from the reference system (Django dumpdata) into a suite (staff).",
        ["GET /api/suite-schema.json"] = "The JSON Schema of a scenario suite, for editors.",
        ["POST /api/evaluations"] = "Run a class list (CSV of students and images) with private scenarios (staff).",
        ["GET /api/evaluations/{id}"] = "An evaluation's progress and per-student results (staff).",
        ["POST /api/evaluations/{id}/cancel"] = "Cancel an evaluation's unfinished tasks (staff).",
        ["GET /api/evaluations/{id}/protocol.csv"] = "An evaluation's protocol as CSV, also part way (staff).",
        ["GET /api/status"] = "Hosts, slots in use and the queue length.",
        ["GET /api/v1/status"] = "Hosts, slots in use and the queue length (versioned path).",
        ["GET /api/dashboard"] = "Counts by verdict, queue wait and hosts, for the staff dashboard (staff).",
        ["GET /api/charts/submissions"] = "Tasks submitted per day (UTC), for the charts page (staff).",
        ["GET /api/charts/verdicts"] = "Tasks per assignment and verdict (staff).",
        ["GET /api/charts/scenarios"] = "Pass rate per scenario of completed tasks, most failed first (staff).",
        ["GET /api/charts/scores"] = "Completed tasks per tenth of the maximum score (staff).",
        ["GET /api/charts/latency"] = "Median and 90th percentile queue wait and time to result per day, in seconds (staff).",
        ["GET /api/charts/slots"] = "Busiest sampled slots in use per host over time (staff).",
        ["POST /api/hosts/{host}/drain"] = "Let a host finish its running tasks and take no new ones (staff).",
        ["POST /api/hosts/{host}/resume"] = "Let a drained host take work again (staff).",
        ["POST /api/auth/sign-in"] = "Sign in with a username and password; sets the session cookie and returns the antiforgery token.",
        ["POST /api/auth/sign-out"] = "End the session.",
        ["GET /api/auth/me"] = "Who is signed in, with their role.",
        ["GET /api/auth/tokens"] = "Your API tokens (admins: everyone's, with ?all=true).",
        ["POST /api/auth/tokens"] = "Create an API token; its secret is shown once.",
        ["DELETE /api/auth/tokens/{id}"] = "Revoke an API token.",
        ["GET /api/admin/users"] = "Every user with their role and where it comes from (admin).",
        ["GET /api/admin/users/{username}"] = "One user (admin).",
        ["POST /api/admin/users"] = "Create a local account (admin).",
        ["PUT /api/admin/users/{username}/role-override"] = "Set or clear a user's role override (admin).",
        ["PUT /api/admin/users/{username}/active"] = "Enable or disable a user (admin).",
        ["PUT /api/admin/users/{username}/password"] = "Set a local account's password (admin).",
        ["GET /api/admin/auth-sources"] = "The LDAP sources, without their bind passwords (admin).",
        ["GET /api/admin/auth-sources/{id}"] = "One LDAP source (admin).",
        ["POST /api/admin/auth-sources"] = "Add an LDAP source (admin).",
        ["PUT /api/admin/auth-sources/{id}"] = "Change an LDAP source (admin).",
        ["DELETE /api/admin/auth-sources/{id}"] = "Remove an LDAP source (admin).",
    };

    public static IServiceCollection AddGraderOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            // Only the JSON API: not the pages' form posts, the sign-in page or the Orleans dashboard.
            o.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Grader API";
                document.Info.Description = "Submit images, follow tasks, manage assignments, suites, evaluations and hosts. "
                    + "Sign in with the session cookie (pages; unsafe requests also send the X-CSRF-TOKEN header from /api/auth/sign-in) "
                    + "or send an API token as `Authorization: Bearer <token>`.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API token made on the Tokens screen or with POST /api/auth/tokens.",
                };
                document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Cookie,
                    Name = "grader.session",
                    Description = "The session cookie set by signing in.",
                };
                document.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, document)] = [] },
                ];
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var key = $"{context.Description.HttpMethod} /{RouteWithoutConstraints(context.Description.RelativePath ?? "")}";
                if (string.IsNullOrEmpty(operation.Summary) && Summaries.TryGetValue(key, out var summary))
                {
                    operation.Summary = summary;
                }

                return Task.CompletedTask;
            });
        });

    /// <summary><c>api/tasks/{id:guid}</c> is documented as <c>api/tasks/{id}</c>.</summary>
    private static string RouteWithoutConstraints(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path.TrimEnd('/'), @"\{([^}:]+):[^}]+\}", "{$1}");
}
