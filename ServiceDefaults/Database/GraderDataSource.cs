using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Database;

/// <summary>The one connection pool to the grader's own database (read model, catalogue, accounts),
/// shared by everything in the process that queries it.</summary>
public sealed class GraderDataSource(IOptions<DatabaseOptions> options) : IDisposable
{
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(options.Value.ConnectionString());

    public void Dispose() => Source.Dispose();
}
