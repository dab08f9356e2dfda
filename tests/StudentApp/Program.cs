using System.Globalization;
using Npgsql;

// Modes: correct (default), wrong (a bug in every endpoint), never-listen, crash, xss, slow-start,
// oom (eats memory until it is killed), flood (floods its output while serving correctly),
// flow-bugs (one bug in the item life cycle, chosen by FLOW_BUG: post, get, sql-row, delete, gone, sql-no-row),
// slow-requests (correct, but every request first waits REQUEST_DELAY_MS, as an app waiting on I/O would).
// and hostile ones (HostileModes.cs: disk-fill, neighbour, huge-body; HostileDatabaseModes.cs: the database attacks).
// loopback (serves on 127.0.0.1 only), traceback (a Python app dead at import under a live --reload supervisor),
// default-port-db (connects to DATABASE_HOST on 5432, ignoring DATABASE_PORT), segfault (dies of SIGSEGV).
var mode = Environment.GetEnvironmentVariable("STUDENT_APP_MODE") ?? "correct";
Console.WriteLine($"student app starting in mode '{mode}'");
switch (mode)
{
    case "crash":
        Console.Error.WriteLine("fatal: could not read configuration file /app/config.yml");
        return 3;
    case "never-listen":
        Console.WriteLine("initialising forever...");
        await Task.Delay(Timeout.Infinite);
        return 0;
    case "oom":
        // Native memory: the GC would refuse managed allocations before the container limit is reached.
        while (true)
        {
            unsafe
            {
                const int Chunk = 16 * 1024 * 1024;
                var block = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(Chunk);
                new Span<byte>(block, Chunk).Fill(1);
            }
        }

    case "flood":
        _ = Task.Run(() =>
        {
            var line = new string('x', 1000);
            for (long i = 0; ; i++)
            {
                Console.WriteLine($"{i} {line}");
            }
        });
        break;
    case "disk-fill":
        StudentApp.HostileModes.FillDisk();
        break;
    case "traceback":
        Console.WriteLine("INFO:     Will watch for changes in these directories: ['/app']");
        Console.WriteLine("INFO:     Started reloader process [1] using WatchFiles");
        Console.Error.WriteLine("""
            Traceback (most recent call last):
              File "/app/main.py", line 4, in <module>
                settings = Settings()
              File "/usr/local/lib/python3.12/site-packages/pydantic_settings/main.py", line 167, in __init__
                super().__init__(**__pydantic_self__._settings_build_values(values))
            pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings
            NAME
              Field required [type=missing, input_value={}, input_type=dict]
            """);
        await Task.Delay(Timeout.Infinite);
        return 0;
    case "default-port-db":
        // Unhandled on purpose: the driver's own error is what the student needs to see.
        await using (var wrongPort = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = Environment.GetEnvironmentVariable("DATABASE_HOST"),
            Database = Environment.GetEnvironmentVariable("DATABASE_NAME"),
            Username = Environment.GetEnvironmentVariable("DATABASE_USER"),
            Password = Environment.GetEnvironmentVariable("DATABASE_PASSWORD"),
            Timeout = 5,
        }.ConnectionString))
        {
            await wrongPort.OpenAsync();
        }

        break;
    case "segfault":
        Console.WriteLine("about to dereference a wild pointer");
        // The runtime turns SIGSEGV into an exception or an abort; give the signal back to the kernel.
        _ = Native.signal(11, 0);
        System.Runtime.InteropServices.Marshal.WriteInt32(0x10, 1);
        return 0;
    case "slow-start":
        await Task.Delay(TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("START_DELAY_SECONDS") ?? "3", CultureInfo.InvariantCulture)));
        break;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://{(mode == "loopback" ? "127.0.0.1" : "0.0.0.0")}:{Environment.GetEnvironmentVariable("PORT") ?? "8000"}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectionString = new NpgsqlConnectionStringBuilder
{
    Host = Environment.GetEnvironmentVariable("DATABASE_HOST"),
    Port = int.TryParse(Environment.GetEnvironmentVariable("DATABASE_PORT"), out var port) ? port : 5432,
    Database = Environment.GetEnvironmentVariable("DATABASE_NAME"),
    Username = Environment.GetEnvironmentVariable("DATABASE_USER"),
    Password = Environment.GetEnvironmentVariable("DATABASE_PASSWORD"),
    Timeout = 5,
}.ConnectionString;
builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
if (HostileDatabaseModes.Names.Contains(mode))
{
    await HostileDatabaseModes.BeforeStartAsync(mode, connectionString);
}

var app = builder.Build();
if (mode == "neighbour")
{
    StudentApp.HostileModes.MapNeighbour(app, int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "8000", CultureInfo.InvariantCulture));
}

if (mode == "huge-body")
{
    StudentApp.HostileModes.MapHugeBodies(app);
}

HostileDatabaseModes.Map(app, mode, connectionString);
if (mode == "slow-requests")
{
    var delay = TimeSpan.FromMilliseconds(double.Parse(Environment.GetEnvironmentVariable("REQUEST_DELAY_MS") ?? "500", CultureInfo.InvariantCulture));
    app.Use(async (context, next) =>
    {
        await Task.Delay(delay, context.RequestAborted);
        await next(context);
    });
}

if (mode == "loopback")
{
    app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"listening on 127.0.0.1 since {DateTimeOffset.UtcNow:O}"));
}

var wrong = mode == "wrong";
var flowBug = mode == "flow-bugs" ? Environment.GetEnvironmentVariable("FLOW_BUG") ?? "" : "";
Console.WriteLine($"flow bug: '{flowBug}'");
// sql-no-row: DELETE only hides the item from the API; the row stays in the database.
var hidden = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
var xss = mode == "xss";
const string Payload = "<img src=x onerror=alert(1)><script>window.__xss=1;alert(2)</script>";
if (xss)
{
    Console.WriteLine(Payload);
}

app.MapGet("/v1/health", async (NpgsqlDataSource db) =>
{
    await using var cmd = db.CreateCommand("SELECT current_database()");
    var name = (string)(await cmd.ExecuteScalarAsync())!;
    return Results.Json(new Dictionary<string, object?> { ["status"] = wrong ? "DOWN" : "OK", ["database"] = xss ? Payload : name });
});

app.MapGet("/v1/hello", () => Results.Json(new Dictionary<string, object?>
{
    ["greeting"] = xss ? Payload : $"Hello, {Environment.GetEnvironmentVariable("NAME") ?? "nobody"}!",
}));

app.MapGet("/v1/items", async (NpgsqlDataSource db) =>
{
    var items = new List<Dictionary<string, object?>>();
    await using var cmd = db.CreateCommand("SELECT id, name, tags, created_at FROM items ORDER BY id");
    await using var reader = await cmd.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        items.Add(Item(reader));
    }

    if (wrong)
    {
        items.Reverse();
        items.RemoveAt(items.Count - 1);
    }

    return Results.Json(new Dictionary<string, object?> { ["items"] = items });
});

app.MapPost("/v1/items", async (NewItem item, NpgsqlDataSource db) =>
{
    await using var cmd = db.CreateCommand("INSERT INTO items (name, tags) VALUES ($1, $2) RETURNING id, name, tags, created_at");
    // sql-row: the stored name gets a trailing space that the API trims away again.
    cmd.Parameters.Add(new NpgsqlParameter { Value = wrong ? item.Name.ToUpperInvariant() : flowBug == "sql-row" ? item.Name + " " : item.Name });
    cmd.Parameters.Add(new NpgsqlParameter { Value = (item.Tags ?? []).Reverse().ToArray() });
    await using var reader = await cmd.ExecuteReaderAsync();
    await reader.ReadAsync();
    return wrong || flowBug == "post" ? Results.Json(Item(reader)) : Results.Json(Item(reader), statusCode: 201);
});

app.MapGet("/v1/items/{id:int}", async (int id, NpgsqlDataSource db) =>
{
    await using var cmd = db.CreateCommand("SELECT id, name, tags, created_at FROM items WHERE id = $1");
    cmd.Parameters.Add(new NpgsqlParameter { Value = id });
    await using var reader = await cmd.ExecuteReaderAsync();
    if (!hidden.ContainsKey(id) && await reader.ReadAsync())
    {
        var found = Item(reader);
        if (flowBug == "get")
        {
            // A local date format, and the last tag lost.
            found["created_at"] = reader.GetFieldValue<DateTimeOffset>(3).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);
            found["tags"] = ((string[])found["tags"]!)[..^1];
        }

        return Results.Json(found);
    }

    return flowBug == "gone" ? Results.Json<object?>(null) : Results.Json(new Dictionary<string, object?> { ["error"] = "not found" }, statusCode: 404);
});

app.MapDelete("/v1/items/{id:int}", async (int id, NpgsqlDataSource db) =>
{
    if (wrong)
    {
        return Results.Ok();
    }

    if (flowBug == "sql-no-row")
    {
        hidden[id] = true;
        return Results.NoContent();
    }

    await using var cmd = db.CreateCommand("DELETE FROM items WHERE id = $1");
    cmd.Parameters.Add(new NpgsqlParameter { Value = id });
    var deleted = await cmd.ExecuteNonQueryAsync() == 1;
    return !deleted ? Results.NotFound()
        : flowBug == "delete" ? Results.Json(new Dictionary<string, object?> { ["deleted"] = true })
        : Results.NoContent();
});

// For readonly-mode assignments: read a listed schema, and try (and fail) to write.
app.MapGet("/v1/catalog/{schema}/{table}", async (string schema, string table, NpgsqlDataSource db) =>
{
    await using var cmd = db.CreateCommand($"SELECT count(*) FROM {Quote(schema)}.{Quote(table)}");
    try
    {
        return Results.Json(new Dictionary<string, object?> { ["count"] = (long)(await cmd.ExecuteScalarAsync())! });
    }
    catch (PostgresException e)
    {
        return Results.Json(new Dictionary<string, object?> { ["error"] = e.SqlState }, statusCode: 403);
    }
});

app.MapPost("/v1/catalog/{schema}/{table}", async (string schema, string table, NpgsqlDataSource db) =>
{
    await using var cmd = db.CreateCommand($"INSERT INTO {Quote(schema)}.{Quote(table)} DEFAULT VALUES");
    try
    {
        await cmd.ExecuteNonQueryAsync();
        return Results.Json(new Dictionary<string, object?> { ["written"] = true });
    }
    catch (PostgresException e)
    {
        return Results.Json(new Dictionary<string, object?> { ["error"] = e.SqlState }, statusCode: 403);
    }
});

// A hostile app probing the host: can it open a TCP connection to host:port?
app.MapGet("/v1/reach/{host}/{port:int}", async (string host, int port) =>
{
    using var tcp = new System.Net.Sockets.TcpClient();
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
    try
    {
        await tcp.ConnectAsync(host, port, timeout.Token);
        return Results.Json(new Dictionary<string, object?> { ["reachable"] = true });
    }
    catch (Exception)
    {
        return Results.Json(new Dictionary<string, object?> { ["reachable"] = false });
    }
});

await app.RunAsync();
return 0;

static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

static Dictionary<string, object?> Item(NpgsqlDataReader r) => new()
{
    ["id"] = r.GetInt32(0),
    ["name"] = r.GetString(1).TrimEnd(),
    ["tags"] = r.GetFieldValue<string[]>(2),
    ["created_at"] = r.GetFieldValue<DateTimeOffset>(3).ToString("O", CultureInfo.InvariantCulture),
};

internal sealed record NewItem(string Name, string[]? Tags);

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "signal")]
    internal static partial nint signal(int signum, nint handler);
}
