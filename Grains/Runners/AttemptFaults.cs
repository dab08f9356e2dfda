using System.Net.Sockets;
using Grader.Database;
using Grader.Tasks;
using Npgsql;

namespace Grader.Runners;

/// <summary>Decides when an attempt failed because of us, so it is rerun and never scored: our PostgreSQL
/// restarted or refused connections, or the container engine stopped, restarted or failed. The student's
/// own errors (a crash, a wrong answer) are not decided here.</summary>
public sealed class AttemptFaults(GraderDataSource database)
{
    /// <summary>Which part of ours an exception escaping the attempt points at.</summary>
    /// <param name="engineFailed">The engine's own test for its server-side errors
    /// (<see cref="ISandboxHost.IsEngineFailure"/>), whose exception types only it knows.</param>
    public static InfrastructureFault Classify(Exception e, Func<Exception, bool> engineFailed) => e switch
    {
        PostgresException or NpgsqlException => InfrastructureFault.GraderDatabase,
        _ when engineFailed(e) => InfrastructureFault.Engine,
        HttpRequestException or SocketException or TimeoutException => InfrastructureFault.Engine,
        _ when e.InnerException is { } inner => Classify(inner, engineFailed),
        _ => InfrastructureFault.Internal,
    };

    /// <summary>When the database server last started, or null when it does not answer. An attempt that sees
    /// this change (or sees no answer) lived through a restart: its app's database calls may have failed.</summary>
    public async Task<DateTime?> ServerStartedAtAsync()
    {
        // A restart breaks the pooled connections; the first use of each reports it, so try a few.
        for (var tries = 0; tries < 3; tries++)
        {
            try
            {
                await using var command = database.Source.CreateCommand("SELECT pg_postmaster_start_time()");
                return (DateTime?)await command.ExecuteScalarAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (tries + 1)));
            }
        }

        return null;
    }

    /// <summary>The report as it stands, or, if the engine stopped under the attempt (see <see cref="Sandbox.IEngineWatch"/>)
    /// or the database server restarted or vanished while a database-backed app was judged, a report that
    /// the attempt is ours to rerun.</summary>
    public async Task<AttemptReport> ReviewAsync(AttemptReport report, DateTime? startedBefore, bool usesDatabase, bool engineInterrupted)
    {
        report = EngineReview(report, engineInterrupted);
        if (!usesDatabase || report.End is AttemptEnd.InfrastructureError or AttemptEnd.Cancelled or AttemptEnd.ImageUnavailable)
        {
            return report;
        }

        var startedAfter = await ServerStartedAtAsync();
        if (startedBefore is not null && startedAfter == startedBefore)
        {
            return report;
        }

        var detail = startedAfter is null
            ? "The sandbox database server did not answer after the attempt."
            : $"The sandbox database server restarted during the attempt (up since {startedBefore:O}, now since {startedAfter:O}).";
        return new AttemptReport(AttemptEnd.InfrastructureError, $"{detail} Discarded the result {report.End}.", report.ContainerLogs,
            report.ExitCode, report.OomKilled, report.ImageDigest, InfrastructureFault.GraderDatabase);
    }

    /// <summary>A verdict reached while the engine stopped under the app (its container killed with 137, its
    /// requests refused, a Docker call failing on a vanished container) says nothing about the student's
    /// work; an engine call that failed meanwhile is named for the restart. Another fault already named (a
    /// hand-back, a database restart) keeps its name.</summary>
    public static AttemptReport EngineReview(AttemptReport report, bool engineInterrupted)
    {
        if (!engineInterrupted || report.End is AttemptEnd.Cancelled or AttemptEnd.ImageUnavailable
            || (report.End == AttemptEnd.InfrastructureError && (report.HandedBack || report.Fault is not (null or InfrastructureFault.Internal or InfrastructureFault.Engine))))
        {
            return report;
        }

        return new AttemptReport(AttemptEnd.InfrastructureError,
            $"The grading host's container engine stopped or restarted during the attempt. Discarded the result {report.End}: {report.Message}",
            report.ContainerLogs, report.ExitCode, report.OomKilled, report.ImageDigest, InfrastructureFault.EngineRestarted);
    }
}
