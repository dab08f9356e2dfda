using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Grader.Database;

/// <summary>The grader's PostgreSQL: grain state, reminders, read model, and the server where student
/// sandboxes (temporary roles and databases) are made. Section: <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [Required]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 5432;

    /// <summary>A role with CREATEROLE and CREATEDB (a superuser in a single-machine setup).</summary>
    [Required]
    public string Username { get; set; } = "";

    [Required]
    public string Password { get; set; } = "";

    /// <summary>The database that holds grain state and the read model.</summary>
    [Required]
    public string Name { get; set; } = "grader";

    /// <summary>The address student containers use to reach this server (the student bridge's
    /// gateway); defaults to <see cref="Host"/>.</summary>
    public string? StudentHost { get; set; }

    /// <summary>statement_timeout for temporary student roles.</summary>
    public TimeSpan SandboxStatementTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(1, 1000)]
    public int SandboxConnectionLimit { get; set; } = 20;

    /// <summary>statement_timeout for a scenario's SQL checks on a student's database.</summary>
    public TimeSpan SqlCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public string ConnectionString(string? database = null) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Username,
        Password = Password,
        Database = database ?? Name,
        // Sandboxes come and go; pooled connections to dropped databases would only fail later.
        Pooling = database is null || database == Name,
        Timeout = 10,
        CommandTimeout = 60,
    }.ConnectionString;
}
