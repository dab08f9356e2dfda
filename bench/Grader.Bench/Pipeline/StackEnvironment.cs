using System.Globalization;
using Grader.Testing;
using Npgsql;

namespace Grader.Bench.Pipeline;

/// <summary>The local stack's settings, as <c>infra/stack.sh env</c> prints them (see <see cref="StackScripts"/>).</summary>
internal static class StackEnvironment
{
    public static string RepoRoot => StackScripts.RepoRoot;

    public static Dictionary<string, string> Read()
    {
        try
        {
            return StackScripts.ReadEnvironment();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException("infra/stack.sh env failed; start the stack with infra/stack.sh up: " + e.Message, e);
        }
    }

    /// <summary>The stack's PostgreSQL as its administrator, on one database, without pooling.</summary>
    public static NpgsqlConnectionStringBuilder Database(Dictionary<string, string> env, string database) => new()
    {
        Host = env["Database__Host"],
        Port = int.Parse(env["Database__Port"], CultureInfo.InvariantCulture),
        Username = env["Database__Username"],
        Password = env["Database__Password"],
        Database = database,
        Pooling = false,
    };

    public static async Task ExecAsync(Dictionary<string, string> env, string database, string sql)
    {
        await using var connection = new NpgsqlConnection(Database(env, database).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What every benchmark silo is configured with: its own cluster, named after it, on the
    /// stack's Redis, PostgreSQL (grain state in <paramref name="database"/>) and engine. Callers add their own.</summary>
    public static Dictionary<string, string?> SiloSettings(Dictionary<string, string> env, string name, string database, int siloPort) => new()
    {
        ["Cluster:ClusterId"] = name,
        ["Cluster:ServiceId"] = name,
        ["Cluster:SiloName"] = name,
        ["Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Cluster:GatewayPort"] = (siloPort + 1).ToString(CultureInfo.InvariantCulture),
        ["Redis:Configuration"] = env["Redis__Configuration"],
        ["Database:Host"] = env["Database__Host"],
        ["Database:Port"] = env["Database__Port"],
        ["Database:Username"] = env["Database__Username"],
        ["Database:Password"] = env["Database__Password"],
        ["Database:Name"] = database,
        ["Database:StudentHost"] = env["Database__StudentHost"],
        ["Docker:Endpoint"] = env["Docker__Endpoint"],
        ["Docker:StudentNetwork"] = env["Docker__StudentNetwork"],
    };
}
