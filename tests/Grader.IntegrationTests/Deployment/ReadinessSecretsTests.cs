using System.Diagnostics;
using System.Globalization;

namespace Grader.IntegrationTests.Deployment;

/// <summary>/readyz is anonymous: it names what is down, never a setting. Runs the published build on a
/// Redis of its own that wants a password, then stops that Redis.</summary>
[Collection(PublishedCollection.Name)]
public sealed class ReadinessSecretsTests
{
    [Fact]
    public async Task ReadyzNamesTheFailingDependencyButNeverThePasswordInTheRedisSetting()
    {
        var secret = $"redis-secret-{LocalStack.RunId}";
        var port = FreePort.Next();
        var dir = Directory.CreateTempSubdirectory("grader-it-redis-");
        using var redis = Process.Start(new ProcessStartInfo("redis-server",
            ["--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--requirepass", secret, "--save", "", "--appendonly", "no", "--dir", dir.FullName])
        { RedirectStandardOutput = true })!;
        try
        {
            var configuration = $"127.0.0.1:{port},password={secret}";
            await using var grader = await PublishedGrader.StartAsync("readyz", new Dictionary<string, string?> { ["Redis:Configuration"] = configuration });
            using var http = new HttpClient { BaseAddress = new Uri(grader.BaseUrl) };

            var healthy = await http.GetAsync("/readyz");
            var healthyBody = await healthy.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
            AssertNoSetting(healthyBody, secret, port);

            redis.Kill();
            await redis.WaitForExitAsync();
            var down = await http.GetAsync("/readyz");
            var downBody = await down.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Contains("\"redis\":{\"status\":\"Unhealthy\"", downBody, StringComparison.Ordinal);
            Assert.Contains("\"postgres\":{\"status\":\"Healthy\"", downBody, StringComparison.Ordinal);
            AssertNoSetting(downBody, secret, port);
            // The log has the details the page leaves out, still without the password.
            Assert.DoesNotContain(secret, grader.Output, StringComparison.Ordinal);
        }
        finally
        {
            if (!redis.HasExited)
            {
                redis.Kill();
            }

            dir.Delete(recursive: true);
        }
    }

    private static void AssertNoSetting(string body, string secret, int port)
    {
        Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(port.ToString(CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalStack.Get("Database__Password"), body, StringComparison.Ordinal);
    }
}
