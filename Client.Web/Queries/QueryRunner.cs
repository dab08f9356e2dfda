using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Web.Queries;

public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows, bool Truncated, TimeSpan Elapsed, string? Error)
{
    public static QueryResult Failed(string error, TimeSpan elapsed) => new([], [], false, elapsed, error);
}

/// <summary>Section <c>Queries</c>: limits of the staff queries page.</summary>
public sealed class QueryOptions : IValidatableObject
{
    public const string Section = "Queries";

    /// <summary>statement_timeout of each staff query.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Rows shown (and exported); a query that returns more says it was cut.</summary>
    [Range(1, 100_000)]
    public int MaxRows { get; set; } = 1000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StatementTimeout < TimeSpan.FromMilliseconds(100) || StatementTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult($"must be between 00:00:00.1 and 00:05:00, but is {StatementTimeout}.", [nameof(StatementTimeout)]);
        }
    }
}

/// <summary>Runs saved and ad-hoc queries as <see cref="QueryReaderRole"/>, each in its own read-only
/// transaction with a statement timeout (and a client-side one behind it, should the text set its own),
/// and writes every run to the audit log.</summary>
public sealed class QueryRunner(QueryReaderRole reader, AuditLog audit, IOptions<QueryOptions> options)
{
    private readonly QueryOptions _options = options.Value;

    public async Task<QueryResult> RunSavedAsync(SavedQuery query, IReadOnlyDictionary<string, object?> arguments, string actor, CancellationToken ct)
    {
        var result = await RunAsync(query.Sql, arguments, ct);
        await audit.WriteAsync(actor, "query.saved", query.Name, Outcome(result, string.Join(", ", arguments.Select(a => $"{a.Key}={a.Value}"))), ct);
        return result;
    }

    public async Task<QueryResult> RunAdHocAsync(string text, string actor, CancellationToken ct)
    {
        var (sql, error) = AdHocQuery.Wrap(text);
        var result = error is null ? await RunAsync(sql!, new Dictionary<string, object?>(), ct) : QueryResult.Failed(error, TimeSpan.Zero);
        await audit.WriteAsync(actor, "query.ad-hoc", null, Outcome(result, text), ct);
        return result;
    }

    private static string Outcome(QueryResult result, string what) =>
        (result.Error is null ? $"{result.Rows.Count}{(result.Truncated ? "+" : "")} rows in {result.Elapsed.TotalMilliseconds:0} ms" : "refused: " + result.Error) + " · " + what;

    private async Task<QueryResult> RunAsync(string sql, IReadOnlyDictionary<string, object?> arguments, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var source = await reader.SourceAsync(ct);
            await using var connection = await source.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var guard = new NpgsqlCommand($"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {(long)_options.StatementTimeout.TotalMilliseconds}", connection, tx))
            {
                await guard.ExecuteNonQueryAsync(ct);
            }

            await using var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = (int)Math.Ceiling(_options.StatementTimeout.TotalSeconds) + 2 };
            foreach (var (name, value) in arguments)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            await using var rows = await command.ExecuteReaderAsync(ct);
            var columns = Enumerable.Range(0, rows.FieldCount).Select(rows.GetName).ToList();
            var result = new List<string?[]>();
            var truncated = false;
            while (await rows.ReadAsync(ct))
            {
                if (result.Count == _options.MaxRows)
                {
                    truncated = true;
                    break;
                }

                result.Add(Enumerable.Range(0, rows.FieldCount).Select(i => rows.IsDBNull(i) ? null : Display(rows.GetValue(i))).ToArray());
            }

            return new QueryResult(columns, result, truncated, watch.Elapsed, null);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            return QueryResult.Failed($"The query ran past its {_options.StatementTimeout.TotalSeconds:0.#} s limit and was cancelled.", watch.Elapsed);
        }
        catch (PostgresException e)
        {
            return QueryResult.Failed($"PostgreSQL refused the query: {e.MessageText} ({e.SqlState}).", watch.Elapsed);
        }
        catch (NpgsqlException e) when (e.InnerException is TimeoutException)
        {
            return QueryResult.Failed($"The query ran past its {_options.StatementTimeout.TotalSeconds:0.#} s limit and was cancelled.", watch.Elapsed);
        }
    }

    /// <summary>Times to the second in UTC, numbers in the invariant culture.</summary>
    private static string Display(object value) => value switch
    {
        DateTime t => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>An admin's ad-hoc text becomes the body of one SELECT, so it can be neither a second
/// statement nor anything but a query.</summary>
public static class AdHocQuery
{
    public static (string? Sql, string? Error) Wrap(string? text)
    {
        var body = (text ?? "").Trim().TrimEnd(';').TrimEnd();
        if (body.Length == 0)
        {
            return (null, "Write a query first.");
        }

        if (body.Contains(';', StringComparison.Ordinal))
        {
            return (null, "One statement only: remove the ';' inside the query.");
        }

        return ($"SELECT * FROM (\n{body}\n) AS ad_hoc", null);
    }
}
