using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Grader.IntegrationTests.Deployment;

/// <summary>infra/compose for one production host, on this machine's engine under its own project
/// name and ports: validated, brought up, used to grade the demo image and a hostile one, and brought
/// down again with nothing left.</summary>
[Collection(PublishedCollection.Name)]
public sealed class ComposeTests
{
    [Fact]
    public async Task TheComposeStackGradesTheDemoImageWithTheExpectedScoreAndLeavesNothingBehind()
    {
        LocalStack.RunScript("infra/images/build.sh");
        await ContainerImageTests.BuildImagesAsync();
        var registry = LocalStack.Get("GRADER_REGISTRY");
        var stack = await ComposeStack.UpAsync();
        await using (stack)
        {
            var demo = ComposeStack.DemoAssignment("compose-demo", stack.Template);
            await stack.PutAssignmentAsync(demo);
            var expected = demo["scenarios"]!.AsArray().SelectMany(s => s!["steps"]!.AsArray()).Sum(s => s!["points"]?.GetValue<decimal>() ?? 1);

            var final = await stack.GradeAsync("compose-demo", $"{registry}/students/app:correct");

            Assert.True(final.GetProperty("status").GetString() == "Completed", final.ToString());
            // A student app that cannot reach PostgreSQL scores 1 (hello): the chain shows whether its port was admitted.
            Assert.True(expected == final.GetProperty("score").GetDecimal(), $"{final}\n{LocalStack.Run("iptables", "-S", "GRADER-STUDENTS")}");
            Assert.Equal(expected, final.GetProperty("maxScore").GetDecimal());
            await StudentReachesOnlyPostgreSqlAsync(stack, registry);
        }

        await stack.AssertNothingLeftAsync();
    }

    /// <summary>A student app graded through the compose stack probes everything else the stack runs:
    /// Redis (on its published port at the gateway and at its container address), the web tier's HTTP,
    /// metrics, silo and gateway ports, a host service listening on every address, and its own
    /// network's neighbours. It reaches only PostgreSQL.</summary>
    private static async Task StudentReachesOnlyPostgreSqlAsync(ComposeStack stack, string registry)
    {
        var gateway = stack.Gateway;
        var redis = (await stack.ComposeAsync("ps", "-q", "redis")).Trim();
        var redisAddress = (await Shell.CheckAsync("docker", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", redis], ContainerImageTests.DockerEnvironment)).Trim();
        // Control: a host service on every address, which the host itself reaches at the gateway, so a
        // refusal below is the firewall's doing and not an empty port.
        using var hostService = new TcpListener(IPAddress.Any, 0);
        hostService.Start();
        var hostPort = ((IPEndPoint)hostService.LocalEndpoint).Port;
        await AssertHostConnectsAsync(gateway, hostPort);
        (await hostService.AcceptTcpClientAsync()).Dispose();
        await AssertHostConnectsAsync(redisAddress, 6379);

        var targets = new (string Id, string Host, int Port, bool Reachable)[]
        {
            ("postgres", gateway, stack.Port("GRADER_PG_PORT"), true),
            ("redis-published", gateway, stack.Port("GRADER_REDIS_PORT"), false),
            ("redis-container", redisAddress, 6379, false),
            ("web", gateway, stack.Port("GRADER_WEB_PORT"), false),
            ("metrics", gateway, stack.Port("GRADER_METRICS_PORT"), false),
            ("silo", gateway, stack.Port("GRADER_SILO_PORT"), false),
            ("orleans-gateway", gateway, stack.Port("GRADER_GATEWAY_PORT"), false),
            ("host-service", gateway, hostPort, false),
        };
        var hostile = ComposeStack.DemoAssignment("compose-hostile", stack.Template);
        var scenarios = new JsonArray();
        foreach (var (id, host, port, reachable) in targets)
        {
            scenarios.Add(Scenario(id, $"/v1/reach/{host}/{port.ToString(CultureInfo.InvariantCulture)}", $"{{\"reachable\": {(reachable ? "true" : "false")}}}"));
        }

        scenarios.Add(Scenario("neighbours", "/v1/scan/8000", "{\"open\": []}"));
        hostile["scenarios"] = scenarios;
        await stack.PutAssignmentAsync(hostile);

        var final = await stack.GradeAsync("compose-hostile", $"{registry}/students/app:neighbour");

        Assert.True(final.GetProperty("status").GetString() == "Completed", final.ToString());
        foreach (var step in final.GetProperty("steps").EnumerateArray())
        {
            Assert.True(step.GetProperty("outcome").GetString() == "Passed", step.ToString());
        }

        Assert.Equal(targets.Length + 1, final.GetProperty("steps").GetArrayLength());
        // Nothing was let in meanwhile: the host service never accepted a connection from the student.
        Assert.False(hostService.Pending(), "the host service has a connection waiting from the student app");
    }

    private static JsonObject Scenario(string id, string path, string expected) => new()
    {
        ["id"] = id,
        ["title"] = id,
        ["isPublic"] = true,
        ["steps"] = new JsonArray(new JsonObject
        {
            ["request"] = new JsonObject { ["method"] = "GET", ["path"] = path },
            ["expect"] = new JsonObject { ["status"] = new JsonArray(200), ["jsonBody"] = expected },
            ["points"] = 1,
        }),
    };

    private static async Task AssertHostConnectsAsync(string host, int port)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tcp.ConnectAsync(host, port, timeout.Token);
    }
}
