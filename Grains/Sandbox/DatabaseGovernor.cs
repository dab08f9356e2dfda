using System.Collections.Concurrent;
using System.Globalization;
using Grader.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grader.Sandbox;

/// <summary>Enforces on this host's running attempts what PostgreSQL lets a role undo for itself. Any
/// role may <c>SET statement_timeout = 0</c> or <c>ALTER ROLE self SET …</c>, so every
/// <see cref="DatabaseOptions.GovernorInterval"/> the governor cancels a sandbox query that has run past
/// the sandbox statement timeout (and ends the session if the query survives its cancel, as a PL/pgSQL
/// handler can make it), ends sessions idle inside a transaction, measures each own database against
/// its size budget, and adds up the CPU of the attempt's backends when PostgreSQL runs on this host.
/// With the role's connection limit this bounds a task's backend CPU to connection limit × (timeout +
/// interval) per query, and what it used is reported.</summary>
public sealed partial class DatabaseGovernor(IOptions<DatabaseOptions> options, ILogger<DatabaseGovernor> logger) : BackgroundService
{
    private const long Megabyte = 1024 * 1024;

    // USER_HZ, the unit of /proc/<pid>/stat times; 100 on every Linux architecture .NET runs on.
    private const long TicksPerSecond = 100;

    private readonly DatabaseOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, AttemptWatch> _watches = new(StringComparer.Ordinal);
    private readonly Lazy<NpgsqlDataSource> _admin = new(() => NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(options.Value.ConnectionString("postgres")) { Pooling = true, MaxPoolSize = 2 }.ConnectionString));

    /// <summary>Starts watching an attempt's sessions (its role carries the attempt's name); dispose to stop.</summary>
    public AttemptWatch Watch(SandboxNames names, bool ownDatabase)
    {
        var watch = new AttemptWatch(names, ownDatabase, Forget)
        {
            StatementTimeout = _options.SandboxStatementTimeout,
        };
        _watches[names.Name] = watch;
        return watch;
    }

    private void Forget(AttemptWatch watch)
    {
        _watches.TryRemove(new KeyValuePair<string, AttemptWatch>(watch.Names.Name, watch));
        LogAttemptUsage(logger, watch.Names.TaskId, watch.Names.Attempt, watch.BackendCpu?.TotalMilliseconds, watch.LargestDatabaseBytes / Megabyte,
            watch.CancelledQueries, watch.EndedSessions);
    }

    /// <summary>Runs one sweep now (the loop runs them on its own; tests and shutdown call this).</summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        var watches = _watches.Values.ToList();
        if (watches.Count == 0)
        {
            return;
        }

        await using var connection = await _admin.Value.OpenConnectionAsync(ct);
        await GovernSessionsAsync(connection, watches.ToDictionary(w => w.Names.Name, StringComparer.Ordinal), ct);
        await MeasureDatabasesAsync(connection, watches.Where(w => w.OwnDatabase).ToDictionary(w => w.Names.Name, StringComparer.Ordinal), ct);
    }

    public override void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.GovernorInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A database dropped by a cleanup between the listing and its measurement lands here too.
                LogSweepFailed(logger, e);
            }
        }
    }

    private async Task GovernSessionsAsync(NpgsqlConnection connection, Dictionary<string, AttemptWatch> watches, CancellationToken ct)
    {
        var sessions = new List<(AttemptWatch Watch, int Pid, DateTime BackendStart, DateTime? QueryStart, bool Overdue, bool Stale)>();
        await using (var activity = new NpgsqlCommand("""
            SELECT usename, pid, backend_start, query_start,
                   state = 'active' AND query_start < now() - @timeout,
                   state IN ('idle in transaction', 'idle in transaction (aborted)') AND state_change < now() - @idle
            FROM pg_stat_activity WHERE usename = ANY(@roles) AND backend_type = 'client backend'
            """, connection))
        {
            activity.Parameters.AddWithValue("timeout", _options.SandboxStatementTimeout);
            activity.Parameters.AddWithValue("idle", _options.SandboxIdleInTransactionTimeout);
            activity.Parameters.AddWithValue("roles", watches.Keys.ToArray());
            await using var reader = await activity.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                sessions.Add((watches[reader.GetString(0)], reader.GetInt32(1), reader.GetDateTime(2),
                    reader.IsDBNull(3) ? null : reader.GetDateTime(3), reader.GetBoolean(4), reader.GetBoolean(5)));
            }
        }

        foreach (var (watch, pid, backendStart, queryStart, overdue, stale) in sessions)
        {
            if (BackendTicks(pid) is { } ticks)
            {
                watch.SawCpu(pid, backendStart, ticks, TicksPerSecond);
            }

            if (stale || (overdue && watch.Cancelled.Contains((pid, queryStart!.Value))))
            {
                await SignalAsync(connection, "pg_terminate_backend", pid, ct);
                watch.CountEnd();
                LogSessionEnded(logger, watch.Names.TaskId, watch.Names.Attempt, pid, stale ? "idle in transaction" : "survived its cancel");
            }
            else if (overdue)
            {
                await SignalAsync(connection, "pg_cancel_backend", pid, ct);
                watch.Cancelled.Add((pid, queryStart!.Value));
                watch.CountCancel();
                LogQueryCancelled(logger, watch.Names.TaskId, watch.Names.Attempt, pid, _options.SandboxStatementTimeout);
            }
        }
    }

    private async Task MeasureDatabasesAsync(NpgsqlConnection connection, Dictionary<string, AttemptWatch> watches, CancellationToken ct)
    {
        if (watches.Count == 0)
        {
            return;
        }

        var sizes = new List<(AttemptWatch Watch, long Bytes)>();
        await using (var measure = new NpgsqlCommand("SELECT datname, pg_database_size(oid) FROM pg_database WHERE datname = ANY(@names)", connection))
        {
            measure.Parameters.AddWithValue("names", watches.Keys.ToArray());
            await using var reader = await measure.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                sizes.Add((watches[reader.GetString(0)], reader.GetInt64(1)));
            }
        }

        var limit = _options.SandboxDatabaseLimitMb * Megabyte;
        foreach (var (watch, bytes) in sizes)
        {
            watch.SawSize(bytes);
            if (bytes <= limit || watch.Violation is not null)
            {
                continue;
            }

            // Stop the writing at once; the job then ends the attempt and drops the database.
            await DatabaseSandbox.ExecAsync(connection, "ALTER ROLE %I NOLOGIN", ct, watch.Names.Name);
            await using (var end = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = @r", connection))
            {
                end.Parameters.AddWithValue("r", watch.Names.Name);
                await end.ExecuteNonQueryAsync(ct);
            }

            watch.Exceed(string.Create(CultureInfo.InvariantCulture,
                $"Your database grew past {_options.SandboxDatabaseLimitMb} MB (it reached {bytes / Megabyte} MB), the most one attempt may use, so the attempt was stopped."));
            LogDatabaseOverBudget(logger, watch.Names.TaskId, watch.Names.Attempt, bytes / Megabyte, _options.SandboxDatabaseLimitMb);
        }
    }

    private static async Task SignalAsync(NpgsqlConnection connection, string function, int pid, CancellationToken ct)
    {
        await using var signal = new NpgsqlCommand($"SELECT {function}(@pid)", connection);
        signal.Parameters.AddWithValue("pid", pid);
        await signal.ExecuteNonQueryAsync(ct);
    }

    /// <summary>utime + stime of a PostgreSQL backend on this host, or null when the pid is not a
    /// postgres process here (PostgreSQL on another machine, or the backend already gone).</summary>
    internal static long? BackendTicks(int pid)
    {
        try
        {
            if (File.ReadAllText($"/proc/{pid}/comm").Trim() != "postgres")
            {
                return null;
            }

            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces and parentheses; fields after the last ')' are fixed.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} database use: backend CPU {BackendCpuMs} ms, largest size {DatabaseMb} MB, {Cancelled} queries cancelled, {Ended} sessions ended")]
    private static partial void LogAttemptUsage(ILogger logger, Guid taskId, int attempt, double? backendCpuMs, long databaseMb, int cancelled, int ended);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database governor sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt}: cancelled backend {Pid}, a query past the {Timeout} sandbox statement timeout")]
    private static partial void LogQueryCancelled(ILogger logger, Guid taskId, int attempt, int pid, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt}: ended backend {Pid} ({Reason})")]
    private static partial void LogSessionEnded(ILogger logger, Guid taskId, int attempt, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt}: database reached {SizeMb} MB, over its {LimitMb} MB budget; stopping the attempt")]
    private static partial void LogDatabaseOverBudget(ILogger logger, Guid taskId, int attempt, long sizeMb, int limitMb);
}
