namespace Grader.IntegrationTests.Auth;

/// <summary>Access rules over the HTTP API: anonymous callers get 401, students see only their own
/// tasks and never private scenario content, staff endpoints refuse students.</summary>
[Collection(AuthCollection.Name)]
public sealed class AuthorizationTests(AuthFixture grader) : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private HttpClient _staff = null!;
    private HttpClient _alice = null!;
    private HttpClient _bob = null!;

    private string AssignmentId => $"authz-{_run}";

    public async Task InitializeAsync()
    {
        _staff = await grader.NewUserAsync($"staff-{_run}", UserRole.Staff);
        _alice = await grader.NewUserAsync($"alice-{_run}", UserRole.Student);
        _bob = await grader.NewUserAsync($"bob-{_run}", UserRole.Student);
        var response = await _staff.PutAsJsonAsync($"/api/assignments/{AssignmentId}", Assignment(AssignmentId), GraderFixture.Json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("GET", "/api/tasks/00000000-0000-0000-0000-000000000001")]
    [InlineData("POST", "/api/tasks")]
    [InlineData("POST", "/api/tasks/00000000-0000-0000-0000-000000000001/cancel")]
    [InlineData("GET", "/api/assignments/any")]
    [InlineData("PUT", "/api/assignments/any")]
    [InlineData("PATCH", "/api/assignments/any")]
    [InlineData("GET", "/api/assignments/any/changes")]
    [InlineData("GET", "/api/auth/me")]
    [InlineData("POST", "/api/auth/sign-out")]
    [InlineData("GET", "/api/auth/tokens")]
    [InlineData("POST", "/api/auth/tokens")]
    [InlineData("GET", "/api/admin/users")]
    [InlineData("POST", "/api/admin/users")]
    [InlineData("GET", "/api/admin/auth-sources")]
    [InlineData("POST", "/api/admin/auth-sources")]
    public async Task AnonymousApiCallGets401(string method, string path)
    {
        var response = await grader.Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/api/v1/status")]
    [InlineData("/sign-in")]
    public async Task HealthStatusAndSignInStayPublic(string path)
    {
        var response = await grader.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownOrRevokedBearerTokenGets401WithAChallenge()
    {
        var client = grader.Client();
        client.DefaultRequestHeaders.Authorization = AuthFixture.Bearer("grader_not-a-real-token");

        var response = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task StudentGets404ForAnotherStudentsTaskButStaffAndTheOwnerSeeIt()
    {
        var id = await SubmitAsync(_alice);

        Assert.Equal(HttpStatusCode.NotFound, (await _bob.GetAsync($"/api/tasks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PostAsync($"/api/tasks/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _alice.GetAsync($"/api/tasks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _staff.GetAsync($"/api/tasks/{id}")).StatusCode);
    }

    [Fact]
    public async Task TaskBelongsToTheSignedInUserWhateverTheBodySays()
    {
        var response = await _alice.PostAsJsonAsync("/api/tasks", new { assignmentId = AssignmentId, image = Image, userId = $"bob-{_run}" });

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"alice-{_run}", body.RootElement.GetProperty("task").GetProperty("spec").GetProperty("userId").GetString());
    }

    [Fact]
    public async Task StudentCannotRunPrivateScenariosNorReadThem()
    {
        var run = await _alice.PostAsJsonAsync("/api/tasks", new { assignmentId = AssignmentId, image = Image, includePrivate = true });
        var asStudent = await _alice.GetStringAsync($"/api/assignments/{AssignmentId}");
        var asStaff = await _staff.GetStringAsync($"/api/assignments/{AssignmentId}");

        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        Assert.Contains("visible", asStudent);
        Assert.DoesNotContain("secret", asStudent);
        Assert.Contains("/v1/secret-path", asStaff);
    }

    [Theory]
    [InlineData("PUT", "/api/assignments/{0}")]
    [InlineData("PATCH", "/api/assignments/{0}")]
    [InlineData("GET", "/api/assignments/{0}/changes")]
    [InlineData("GET", "/api/auth/tokens")]
    [InlineData("POST", "/api/auth/tokens")]
    [InlineData("GET", "/api/admin/users")]
    [InlineData("PUT", "/api/admin/users/{0}/role-override")]
    [InlineData("GET", "/api/admin/auth-sources")]
    [InlineData("POST", "/api/admin/auth-sources")]
    public async Task StudentGets403ForStaffAndAdminEndpoints(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), string.Format(System.Globalization.CultureInfo.InvariantCulture, path, AssignmentId))
        {
            Content = JsonContent.Create(Assignment(AssignmentId), options: GraderFixture.Json),
        };

        var response = await _alice.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/admin/users")]
    [InlineData("GET", "/api/admin/auth-sources")]
    public async Task StaffGets403ForAdminEndpoints(string method, string path)
    {
        var response = await _staff.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task StaffRunIncludesPrivateScenarios()
    {
        var response = await _staff.PostAsJsonAsync("/api/tasks", new { assignmentId = AssignmentId, image = Image, includePrivate = true });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private string Image => $"{LocalStack.Get("GRADER_REGISTRY")}/students/app:no-such-tag";

    private async Task<Guid> SubmitAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/tasks", new { assignmentId = AssignmentId, image = Image });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("task").GetProperty("id").GetGuid();
    }

    private static AssignmentDefinition Assignment(string id) => new(
        id, "Access rules", DatabaseMode.None, null, [], new Dictionary<string, string>(), 8000, null, 10, 5, new ResourceLimits(),
        [
            new Scenario("visible", "A public check", true, 2, [new ScenarioStep(new StepRequest("GET", "/v1/hello"), new StepExpectation([200]))]),
            new Scenario("secret", "A private check", false, 1, [new ScenarioStep(new StepRequest("GET", "/v1/secret-path"), new StepExpectation([200]))]),
        ]);
}
