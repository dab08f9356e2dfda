using Grader.Sandbox;

namespace Grader.IntegrationTests.Hostile;

/// <summary>Budgets a role cannot lift for itself: its database's size, its statement timeout, its
/// time idle inside a transaction and its temporary files.</summary>
[Collection(HostileCollection.Name)]
public sealed class DatabaseBudgetTests(HostileFixture grader) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => grader.AssertNothingLeftAsync();

    [Fact]
    public async Task DatabaseFilledPastItsBudgetEndsTheAttemptWithAVerdictAndIsDropped()
    {
        var assignment = await grader.DemoAssignmentAsync("hostile-db-fill", HostileAssignments.DatabaseFill);

        var task = await grader.RunAsync(new TaskSpec("student-fill", assignment.Id, grader.Image("db-fill"), false), TimeSpan.FromMinutes(3));

        HostileAssignments.OverBudget(task);
        var database = SandboxNames.For(grader.HostName, task.Id, task.Attempt).Name;
        Assert.Equal(0L, await LocalStack.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname = @d", ("d", database)));
        Assert.Equal(0L, await LocalStack.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = @d", ("d", database)));
    }

    [Fact]
    public async Task QueryWithItsTimeoutTurnedOffIsCancelledByTheGovernorAndTheVerdictSaysSo()
    {
        var assignment = await grader.DemoAssignmentAsync("hostile-no-timeout", HostileAssignments.StatementTimeoutOff);

        var task = await grader.RunAsync(new TaskSpec("student-no-timeout", assignment.Id, grader.Image("no-timeout"), false));

        HostileAssignments.QueriesCancelled(task);
        Assert.Equal(0L, await SessionsOfAsync(task));
    }

    [Fact]
    public async Task SessionIdleInATransactionWithItsOwnTimeoutOffIsEndedByTheGovernor()
    {
        var assignment = await grader.DemoAssignmentAsync("hostile-idle-tx", HostileAssignments.IdleInTransaction);

        var task = await grader.RunAsync(new TaskSpec("student-idle-tx", assignment.Id, grader.Image("no-timeout"), false));

        HostileAssignments.IdleSessionEnded(task);
        Assert.Equal(0L, await SessionsOfAsync(task));
    }

    [Fact]
    public async Task TemporaryFilesStopAtTheRolesLimitWhichTheRoleCannotLift()
    {
        var assignment = await grader.DemoAssignmentAsync("hostile-temp-files", HostileAssignments.TempFiles);
        var logBefore = HostileSupport.ServerLogLength();

        var task = await grader.RunAsync(new TaskSpec("student-temp-files", assignment.Id, grader.Image("no-timeout"), false));

        HostileAssignments.AllStepsPassed(task);
        // The limit that stopped the sort is the sandbox's, not a server-wide one (PostgreSQL logs the error).
        Assert.Contains($"temporary file size exceeds temp_file_limit ({HostileFixture.TempFileLimitMb * 1024}kB)", HostileSupport.ServerLogSince(logBefore));
    }

    /// <summary>The attempt's sessions still on the server (its role and database are gone by now).</summary>
    private Task<long> SessionsOfAsync(TaskView task) =>
        LocalStack.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_stat_activity WHERE usename = @r",
            ("r", SandboxNames.For(grader.HostName, task.Id, task.Attempt).Name));
}
