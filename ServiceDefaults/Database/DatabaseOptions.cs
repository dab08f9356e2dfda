using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Grader.Database;

/// <summary>The grader's PostgreSQL: grain state, reminders, read model, and the server where student
/// sandboxes (temporary roles and databases) are made. Section: <c>Database</c>.</summary>
public sealed class DatabaseOptions : IValidatableObject
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

    /// <summary>Largest an attempt's own (isolated) database may grow; past it the attempt ends.</summary>
    [Range(8, 1024 * 1024)]
    public int SandboxDatabaseLimitMb { get; set; } = 512;

    /// <summary>temp_file_limit of temporary student roles (a superuser-only setting they cannot raise).</summary>
    [Range(1, 1024 * 1024)]
    public int SandboxTempFileLimitMb { get; set; } = 256;

    /// <summary>A student session idle inside a transaction this long is ended (it holds locks and a backend).</summary>
    public TimeSpan SandboxIdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the database governor checks this host's sandboxes (long queries, idle
    /// transactions, database sizes, backend CPU).</summary>
    public TimeSpan GovernorInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value, max) in new[]
        {
            (nameof(SandboxStatementTimeout), SandboxStatementTimeout, TimeSpan.FromHours(1)),
            (nameof(SqlCheckTimeout), SqlCheckTimeout, TimeSpan.FromMinutes(10)),
            (nameof(SandboxIdleInTransactionTimeout), SandboxIdleInTransactionTimeout, TimeSpan.FromHours(1)),
            (nameof(GovernorInterval), GovernorInterval, TimeSpan.FromMinutes(1)),
        })
        {
            if (value < TimeSpan.FromMilliseconds(100) || value > max)
            {
                yield return new ValidationResult($"must be between 00:00:00.1 and {max}, but is {value}.", [name]);
            }
        }

        if (GovernorInterval > SandboxStatementTimeout)
        {
            yield return new ValidationResult($"({GovernorInterval}) must not be longer than Database:SandboxStatementTimeout ({SandboxStatementTimeout}): the governor enforces that timeout.", [nameof(GovernorInterval)]);
        }
    }

    public string ConnectionString(string? database = null) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Username,
        Password = Password,
        Database = database ?? Name,
        // Sandboxes come and go; pooled connections to dropped databases would only fail later.
        Pooling = database is null || database == Name,
        // Nothing keeps session state on the grader's own database (its locks and settings are scoped to a
        // transaction), so a pooled connection is not reset with DISCARD ALL on every use: that statement
        // is a transaction of its own, and doubled the commits of every read-model and state write.
        NoResetOnClose = database is null || database == Name,
        Timeout = 10,
        CommandTimeout = 60,
    }.ConnectionString;
}
