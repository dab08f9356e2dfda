using Grader.Web.Auth.Accounts;
using Grader.Web.Browse;
using Npgsql;

namespace Grader.IntegrationTests.Staff;

/// <summary>The admin users list and the staff assignments list page by keyset over (created_at, name):
/// every row once, in order, forwards and back, with the total of what the filter matches.</summary>
[Collection(GradingCollection.Name)]
public sealed class ListPagingTests(GraderFixture grader)
{
    [Fact]
    public async Task PagingThroughMoreUsersThanAPageHoldsReturnsEveryUserOnceInOrderAndTheFilterNarrowsIt()
    {
        var prefix = $"lp-{LocalStack.RunId}-";
        var start = DateTimeOffset.UtcNow.AddHours(-5);
        for (var i = 0; i < 47; i++)
        {
            // Every third user shares its time with the one before: the username must break the tie.
            await ExecuteAsync("""
                INSERT INTO auth_users (username, is_local, password_hash, source_role, role_override, created_at)
                VALUES (@name, true, 'x', 'student', @override::text, @at)
                """, ("name", $"{prefix}{i:D2}"), ("override", i % 5 == 0 ? "staff" : null), ("at", start.AddSeconds(i - (i % 3 == 2 ? 1 : 0))));
        }

        var expected = await NamesInOrderAsync($"SELECT username FROM auth_users WHERE username LIKE '{prefix}%' ORDER BY created_at DESC, username DESC");
        var store = grader.Services.GetRequiredService<UserStore>();
        var read = await ForwardsAndBackAsync((request, ct) => store.PageAsync(prefix.ToUpperInvariant(), null, request, ct), u => u.Username, 47);
        Assert.Equal(expected, read.Forwards);
        Assert.Equal(expected.Take(40), read.Backwards);

        var staff = await store.PageAsync(prefix, UserRole.Staff, new PageRequest(null, null, 50), CancellationToken.None);
        Assert.Equal(10, staff.Total);
        Assert.Equal(expected.Where(n => int.Parse(n[prefix.Length..]) % 5 == 0), staff.Rows.Select(u => u.Username));
        Assert.Equal(0, (await store.PageAsync($"{prefix}%", null, new PageRequest(null, null, 50), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task PagingThroughMoreAssignmentsThanAPageHoldsReturnsEveryAssignmentOnceInOrderAndTheFilterNarrowsIt()
    {
        var prefix = $"lp-{LocalStack.RunId}-";
        var start = DateTimeOffset.UtcNow.AddHours(-5);
        for (var i = 0; i < 33; i++)
        {
            await ExecuteAsync("""
                INSERT INTO assignment_summary (assignment_id, title, database_mode, scenarios, archived, created_at)
                VALUES (@id, @title, 'None', 0, @archived, @at)
                """, ("id", $"{prefix}{i:D2}"), ("title", $"Paging {i}"), ("archived", i % 4 == 0), ("at", start.AddSeconds(i - (i % 3 == 2 ? 1 : 0))));
        }

        var expected = await NamesInOrderAsync($"SELECT assignment_id FROM assignment_summary WHERE assignment_id LIKE '{prefix}%' ORDER BY created_at DESC, assignment_id DESC");
        var queries = grader.Services.GetRequiredService<ReadModelQueries>();
        var read = await ForwardsAndBackAsync((request, ct) => queries.AssignmentPageAsync(prefix, null, request, ct), a => a.Id, 33);
        Assert.Equal(expected, read.Forwards);
        Assert.Equal(expected.Take(30), read.Backwards);

        var archived = await queries.AssignmentPageAsync(prefix, true, new PageRequest(null, null, 50), CancellationToken.None);
        Assert.Equal(9, archived.Total);
        Assert.Equal(expected.Where(n => int.Parse(n[prefix.Length..]) % 4 == 0), archived.Rows.Select(a => a.Id));
        Assert.Equal(24, (await queries.AssignmentPageAsync(prefix, false, new PageRequest(null, null, 50), CancellationToken.None)).Total);
    }

    /// <summary>Pages of 10 from the first to the last, then back from the last by the previous links.</summary>
    private static async Task<(List<string> Forwards, List<string> Backwards)> ForwardsAndBackAsync<T>(
        Func<PageRequest, CancellationToken, Task<KeysetPage<T>>> read, Func<T, string> key, long total)
    {
        var forwards = new List<string>();
        var request = new PageRequest(null, null, 10);
        KeysetPage<T> page;
        do
        {
            page = await read(request, CancellationToken.None);
            Assert.Equal(total, page.Total);
            forwards.AddRange(page.Rows.Select(key));
            // Through the link text, as the pages do.
            request = PageRequest.Of(page.Next?.ToString(), null, 10, textKey: true);
        }
        while (page.Next is not null);

        var backwards = new List<string>();
        while (page.Previous is not null)
        {
            page = await read(PageRequest.Of(null, page.Previous.ToString(), 10, textKey: true), CancellationToken.None);
            backwards.InsertRange(0, page.Rows.Select(key));
        }

        return (forwards, backwards);
    }

    private async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(LocalStack.AdminConnectionString(grader.StateDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> NamesInOrderAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(LocalStack.AdminConnectionString(grader.StateDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
