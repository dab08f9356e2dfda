using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Grader.Web.Auth.Ldap;

public enum SaveOutcome
{
    Saved,
    NotFound,
    NameTaken,
}

/// <summary>Auth sources in PostgreSQL (table auth_sources). Callers validate before saving.</summary>
public sealed class AuthSourceStore(AuthDatabase database)
{
    private const string Columns =
        "id, name, uri, start_tls, bind_dn_template, search_base, filter_template, attribute_map, group_map, is_active, sort_order";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<List<AuthSource>> ListAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM auth_sources ORDER BY sort_order, id", ct);

    /// <summary>The sources sign-in tries, in the order it tries them.</summary>
    public Task<List<AuthSource>> ListActiveAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM auth_sources WHERE is_active ORDER BY sort_order, id", ct);

    public async Task<AuthSource?> GetAsync(int id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {Columns} FROM auth_sources WHERE id = @id", ct, ("id", id))).SingleOrDefault();

    public async Task<(SaveOutcome Outcome, AuthSource? Saved)> CreateAsync(AuthSource source, CancellationToken ct)
    {
        const string sql = $"""
            INSERT INTO auth_sources (name, uri, start_tls, bind_dn_template, search_base, filter_template, attribute_map, group_map, is_active, sort_order)
            VALUES (@name, @uri, @start_tls, @bind_dn_template, @search_base, @filter_template, @attribute_map, @group_map, @is_active, @sort_order)
            RETURNING {Columns}
            """;
        return await SaveAsync(sql, source, ct);
    }

    public async Task<(SaveOutcome Outcome, AuthSource? Saved)> UpdateAsync(AuthSource source, CancellationToken ct)
    {
        const string sql = $"""
            UPDATE auth_sources SET name = @name, uri = @uri, start_tls = @start_tls, bind_dn_template = @bind_dn_template,
                search_base = @search_base, filter_template = @filter_template, attribute_map = @attribute_map,
                group_map = @group_map, is_active = @is_active, sort_order = @sort_order, updated_at = now()
            WHERE id = @id
            RETURNING {Columns}
            """;
        return await SaveAsync(sql, source, ct);
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken ct)
    {
        await using var command = database.Command("DELETE FROM auth_sources WHERE id = @id", ("id", id));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    private async Task<(SaveOutcome, AuthSource?)> SaveAsync(string sql, AuthSource source, CancellationToken ct)
    {
        await using var command = database.Command(sql,
            ("id", source.Id), ("name", source.Name), ("uri", source.Uri), ("start_tls", source.StartTls),
            ("bind_dn_template", source.BindDnTemplate), ("search_base", source.SearchBase), ("filter_template", source.FilterTemplate),
            ("is_active", source.IsActive), ("sort_order", source.Order));
        command.Parameters.Add(new NpgsqlParameter("attribute_map", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(source.Attributes, Json) });
        command.Parameters.Add(new NpgsqlParameter("group_map", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(source.GroupMap, Json) });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (SaveOutcome.Saved, Read(reader)) : (SaveOutcome.NotFound, null);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return (SaveOutcome.NameTaken, null);
        }
    }

    private async Task<List<AuthSource>> QueryAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = database.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sources = new List<AuthSource>();
        while (await reader.ReadAsync(ct))
        {
            sources.Add(Read(reader));
        }

        return sources;
    }

    private static AuthSource Read(NpgsqlDataReader row) => new(
        row.GetInt32(0),
        row.GetString(1),
        row.GetString(2),
        row.GetBoolean(3),
        row.GetString(4),
        row.GetString(5),
        row.GetString(6),
        JsonSerializer.Deserialize<LdapAttributeMap>(row.GetString(7), Json)!,
        JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(8), Json)!,
        row.GetBoolean(9),
        row.GetInt32(10));
}
