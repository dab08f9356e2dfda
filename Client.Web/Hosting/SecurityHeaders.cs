namespace Grader.Web.Hosting;

/// <summary>Defence in depth for pages that show what students' apps returned: even if something slipped
/// past HTML encoding, no inline or foreign script may run, and no page may be framed.</summary>
public static class SecurityHeaders
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            // The Orleans dashboard brings its own inline scripts; it is staff-only and shows no student output.
            if (!context.Request.Path.StartsWithSegments("/dashboard"))
            {
                headers.ContentSecurityPolicy = Policy;
            }

            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            await next();
        });
}
