using Grader.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Grader.UnitTests.Hosting;

public class ClusterUnavailableTests
{
    public static TheoryData<Exception> Transient() => new(
        new SiloUnavailableException("silo S127.0.0.1:11111:1 is dead"),
        new OrleansException("rejected"),
        new TimeoutException("response did not arrive"),
        new NpgsqlException("the database system is starting up"),
        new StackExchange.Redis.RedisException("down"),
        new AggregateException(new SiloUnavailableException()));

    [Theory]
    [MemberData(nameof(Transient))]
    public void MembershipAndStoreFailuresAreTransient(Exception e) => Assert.True(ClusterUnavailable.IsTransient(e));

    [Fact]
    public void ABugIsNotTransient()
    {
        Assert.False(ClusterUnavailable.IsTransient(new InvalidOperationException("bug")));
        Assert.False(ClusterUnavailable.IsTransient(new ArgumentException("bad")));
    }

    [Fact]
    public async Task ACallThatRecoversIsRepeatedUntilItAnswers()
    {
        var calls = 0;

        var answer = await ClusterUnavailable.RetryAsync(() => ++calls < 3 ? throw new SiloUnavailableException() : Task.FromResult(42));

        Assert.Equal((42, 3), (answer, calls));
    }

    [Fact]
    public async Task ABugIsNotRepeated()
    {
        var calls = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => ClusterUnavailable.RetryAsync<int>(() => { calls++; throw new InvalidOperationException(); }));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ACallThatKeepsFailingGivesUpAfterItsRetries()
    {
        var calls = 0;

        await Assert.ThrowsAsync<SiloUnavailableException>(() => ClusterUnavailable.RetryAsync<int>(() => { calls++; throw new SiloUnavailableException(); }));

        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task TheHandlerAnswers503WithRetryAfterAndNoExceptionText()
    {
        var (handler, context) = Handler();

        var handled = await handler.TryHandleAsync(context, new SiloUnavailableException("S10.0.0.7:11111:5 dead"), CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Contains("try again", body, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0.7", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHandlerLeavesOtherErrorsAlone()
    {
        var (handler, context) = Handler();

        Assert.False(await handler.TryHandleAsync(context, new InvalidOperationException(), CancellationToken.None));
        Assert.Equal(200, context.Response.StatusCode);
    }

    private static (ClusterUnavailableHandler, HttpContext) Handler()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(context.Response.Body));
        var handler = new ClusterUnavailableHandler(services.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(),
            NullLogger<ClusterUnavailableHandler>.Instance);
        return (handler, context);
    }
}
