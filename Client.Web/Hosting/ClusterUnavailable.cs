using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using StackExchange.Redis;

namespace Grader.Web.Hosting;

/// <summary>The cluster or its stores are briefly out of reach: a silo joining or leaving (the call is
/// rejected or times out), or PostgreSQL or Redis restarting. Such a call is worth repeating, and when it
/// keeps failing the answer is 503 with a reason and <c>Retry-After</c>, never a 500.</summary>
public static class ClusterUnavailable
{
    public const int RetryAfterSeconds = 5;
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

    public static bool IsTransient(Exception e) => e switch
    {
        OrleansException or TimeoutException or NpgsqlException or RedisException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    /// <summary>Repeats an idempotent grain call a few times while the cluster settles (about 2 s in all).</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < Backoff.Length && IsTransient(e))
            {
                await Task.Delay(Backoff[attempt]);
            }
        }
    }
}

/// <summary>Turns a transient failure that outlived its retries into 503 with a clear message.</summary>
public sealed partial class ClusterUnavailableHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!ClusterUnavailable.IsTransient(exception) || context.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, exception, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = ClusterUnavailable.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The grader is briefly unavailable",
                Detail = $"Part of the grader is restarting. Please try again in {ClusterUnavailable.RetryAfterSeconds} seconds.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503 for {Path}: the cluster or a store was out of reach")]
    private static partial void LogUnavailable(ILogger logger, Exception e, string path);
}
