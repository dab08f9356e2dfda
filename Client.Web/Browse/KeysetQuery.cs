using Npgsql;

namespace Grader.Web.Browse;

/// <summary>Reads one page of a keyset-paged list and the list's total in one round trip. The rows command
/// uses <see cref="Keyset.Sql"/>'s condition and order; its cursor and limit are bound here.</summary>
public static class KeysetQuery
{
    /// <param name="textKey">The list is keyed by text (names), not by id: the cursor binds as text.</param>
    public static async Task<KeysetPage<T>> ReadPageAsync<T>(NpgsqlDataSource source, NpgsqlBatchCommand rows, NpgsqlBatchCommand count,
        PageRequest page, Func<NpgsqlDataReader, T> readRow, Func<T, PageCursor> key, CancellationToken ct, bool textKey = false)
    {
        rows.Parameters.AddWithValue("cursor_at", (object?)page.Cursor?.At ?? DBNull.Value);
        rows.Parameters.AddWithValue("cursor_id", page.Cursor is not { } cursor ? DBNull.Value : textKey ? cursor.Key : (object)cursor.Id);
        rows.Parameters.AddWithValue("limit", page.Size + 1);
        await using var batch = source.CreateBatch();
        batch.BatchCommands.Add(rows);
        batch.BatchCommands.Add(count);
        var read = new List<T>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            read.Add(readRow(reader));
        }

        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return Keyset.Page(read, page, reader.GetInt64(0), key);
    }
}
