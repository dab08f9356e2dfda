using Grader.Configuration;
using Grader.Database;
using Microsoft.Extensions.Configuration;

namespace Grader.UnitTests.Sandbox;

public class SandboxDatabaseOptionsTests
{
    [Fact]
    public void BudgetsHaveTheirDefaults()
    {
        var options = Read();

        Assert.Equal(512, options.SandboxDatabaseLimitMb);
        Assert.Equal(256, options.SandboxTempFileLimitMb);
        Assert.Equal(TimeSpan.FromSeconds(60), options.SandboxIdleInTransactionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.GovernorInterval);
    }

    [Theory]
    [InlineData("Database:SandboxDatabaseLimitMb", "4", "'Database:SandboxDatabaseLimitMb' must be between 8 and 1048576, but is 4.")]
    [InlineData("Database:SandboxTempFileLimitMb", "0", "'Database:SandboxTempFileLimitMb' must be between 1 and 1048576, but is 0.")]
    [InlineData("Database:SandboxStatementTimeout", "00:00:00", "'Database:SandboxStatementTimeout' must be between")]
    [InlineData("Database:GovernorInterval", "00:00:30", "'Database:GovernorInterval' (00:00:30) must not be longer than Database:SandboxStatementTimeout")]
    public void BadBudgetStopsTheStartNamingItsKey(string key, string value, string message)
    {
        var error = Assert.Throws<GraderConfigurationException>(() => Read((key, value)));

        Assert.StartsWith("Configuration error: " + message, error.Message);
    }

    private static DatabaseOptions Read(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Database:Host"] = "db", ["Database:Username"] = "u", ["Database:Password"] = "p" };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build().Read<DatabaseOptions>(DatabaseOptions.Section);
    }
}
