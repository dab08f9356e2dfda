namespace Grader.IntegrationTests.Infrastructure;

/// <summary>The settings a grader process gets in tests, as configuration keys: the local stack's
/// services, this run's own cluster id and database, fresh ports, and quick failure detection.</summary>
public static class SiloSettings
{
    public static Dictionary<string, string?> For(string siloName, string database, string clusterId, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = clusterId,
            ["Cluster:SiloName"] = siloName,
            ["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Redis:Configuration"] = LocalStack.Get("Redis__Configuration"),
            ["Database:Host"] = LocalStack.Get("Database__Host"),
            ["Database:Port"] = LocalStack.Get("Database__Port"),
            ["Database:Username"] = LocalStack.Get("Database__Username"),
            ["Database:Password"] = LocalStack.Get("Database__Password"),
            ["Database:Name"] = database,
            ["Database:StudentHost"] = LocalStack.Get("Database__StudentHost"),
            ["Docker:Endpoint"] = LocalStack.Get("Docker__Endpoint"),
            ["Docker:StudentNetwork"] = LocalStack.Get("Docker__StudentNetwork"),
            ["Docker:Registries:0:Server"] = LocalStack.Get("GRADER_REGISTRY"),
            ["Docker:Registries:0:Username"] = LocalStack.Get("GRADER_REGISTRY_USER"),
            ["Docker:Registries:0:Password"] = LocalStack.Get("GRADER_REGISTRY_PASSWORD"),
            // The local registry under both of its names (one is a student's "private" registry in tests).
            ["Images:AllowedRegistries:0"] = LocalStack.Get("GRADER_REGISTRY"),
            ["Images:AllowedRegistries:1"] = LocalStack.Get("GRADER_REGISTRY").Replace("127.0.0.1", "localhost", StringComparison.Ordinal),
            // Failure detection as the README recommends (the silo's defaults), so tests measure what operators get.
            ["Tasks:WatchdogPeriod"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same settings as environment variables, for a child silo process.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> AsEnvironment(IDictionary<string, string?> settings) =>
        settings.Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace(":", "__", StringComparison.Ordinal), kv.Value));
}
