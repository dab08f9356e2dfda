using Grader.IntegrationTests.Grading;
using Grader.Runners;
using Grader.Sandbox;
using Grader.Sandbox.Clones;

namespace Grader.IntegrationTests.Clones;

/// <summary>The grader of <see cref="GraderFixture"/> with a clone pool of three and a 100 MB disk
/// budget; idle surplus is dropped at once, so the pool is empty between tests.</summary>
public class ClonePoolFixture : GraderFixture
{
    public const int BudgetMb = 100;
    public const int MaxPerAssignment = 3;

    public ClonePoolFixture()
        : this("clones")
    {
    }

    protected ClonePoolFixture(string name)
        : base(name, new Dictionary<string, string?>
        {
            ["Docker:Slots"] = "2",
            ["ClonePool:MaxPerAssignment"] = MaxPerAssignment.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ClonePool:MaxTotal"] = "3",
            ["ClonePool:DiskBudgetMb"] = BudgetMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ClonePool:IdleTimeout"] = "00:00:00",
            ["ClonePool:RefillInterval"] = "00:00:01",
        })
    {
    }

    public PooledClones Pool => Services.GetRequiredService<PooledClones>();

    public RunnerHost Runner => Services.GetRequiredService<RunnerHost>();

    public string PoolPrefix => SandboxNames.PoolPrefixFor(SandboxNames.TagFor(HostName));

    /// <summary>Runs pool rounds until the condition holds (each round makes every clone it plans before
    /// it returns); the read model may take a moment to show a task as queued.</summary>
    public async Task FillUntilAsync(Func<IReadOnlyList<PooledClone>, bool> done, string what)
    {
        var filler = Services.GetRequiredService<ClonePoolFiller>();
        for (var round = 0; round < 50; round++)
        {
            await filler.RoundAsync(CancellationToken.None);
            if (done(Pool.Snapshot()))
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"the pool never got to: {what} (holds {Pool.Snapshot().Count})");
    }

    /// <summary>Pooled databases of this host as the server has them, with their sizes.</summary>
    public async Task<Dictionary<string, long>> PooledOnServerAsync()
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = new Npgsql.NpgsqlConnection(LocalStack.AdminConnectionString());
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT datname, pg_database_size(oid) FROM pg_database WHERE starts_with(datname, @p)", connection);
        command.Parameters.AddWithValue("p", PoolPrefix);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sizes[reader.GetString(0)] = reader.GetInt64(1);
        }

        return sizes;
    }
}

[CollectionDefinition(Name)]
public sealed class ClonePoolCollection : ICollectionFixture<ClonePoolFixture>
{
    public const string Name = "clone-pool";
}
