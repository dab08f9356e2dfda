using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;

namespace Grader.Web.Auth.Http;

/// <summary>Binding a form whose antiforgery token is missing or wrong throws BadHttpRequestException
/// (400); without this handler the exception handler answers 500, as if the server had failed.</summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = "Bad request",
                Detail = exception.InnerException is AntiforgeryValidationException
                    ? "The form's antiforgery token is missing or invalid. Reload the page and try again."
                    : bad.Message,
            },
        });
    }
}
