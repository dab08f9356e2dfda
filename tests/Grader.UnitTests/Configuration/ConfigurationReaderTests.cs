using System.ComponentModel.DataAnnotations;
using Grader.Configuration;
using Grader.Database;
using Grader.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Grader.UnitTests.Configuration;

public class ConfigurationReaderTests
{
    private static readonly Dictionary<string, string?> ValidDatabase = new()
    {
        ["Database:Host"] = "db.local",
        ["Database:Username"] = "grader",
        ["Database:Password"] = "secret",
    };

    [Fact]
    public void ValidSectionIsBoundWithDefaultsForAbsentKeys()
    {
        var options = Config(ValidDatabase, ("Database:SandboxStatementTimeout", "00:00:30")).Read<DatabaseOptions>(DatabaseOptions.Section);

        Assert.Equal("db.local", options.Host);
        Assert.Equal("secret", options.Password);
        Assert.Equal(5432, options.Port);
        Assert.Equal("grader", options.Name);
        Assert.Equal(TimeSpan.FromSeconds(30), options.SandboxStatementTimeout);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void MissingPasswordIsOneLineNamingTheKeyAndItsEnvironmentVariable(string? password)
    {
        var settings = new Dictionary<string, string?>(ValidDatabase) { ["Database:Password"] = password };

        var error = Assert.Throws<GraderConfigurationException>(() => Config(settings).Read<DatabaseOptions>(DatabaseOptions.Section));

        Assert.Equal("Configuration error: 'Database:Password' is required (environment variable Database__Password).", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void RangeViolationNamesTheKeyTheBoundsAndTheValue()
    {
        var error = Assert.Throws<GraderConfigurationException>(() =>
            Config(ValidDatabase, ("Database:Port", "70000")).Read<DatabaseOptions>(DatabaseOptions.Section));

        Assert.Equal("Configuration error: 'Database:Port' must be between 1 and 65535, but is 70000.", error.Message);
    }

    [Fact]
    public void UnconvertibleValueIsReportedWithTheSectionAndKey()
    {
        var error = Assert.Throws<GraderConfigurationException>(() =>
            Config(ValidDatabase, ("Database:Port", "five")).Read<DatabaseOptions>(DatabaseOptions.Section));

        Assert.StartsWith("Configuration error in section 'Database': ", error.Message);
        Assert.Contains("Database:Port", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void FirstMissingKeyInDeclarationOrderIsReported()
    {
        var error = Assert.Throws<GraderConfigurationException>(() => Config([]).Read<DatabaseOptions>(DatabaseOptions.Section));

        Assert.Contains("'Database:Host' is required", error.Message);
    }

    [Fact]
    public void ClusterWithSiloPortEqualToGatewayPortIsRejected()
    {
        var error = Assert.Throws<GraderConfigurationException>(() =>
            Config([], ("Cluster:SiloPort", "12000"), ("Cluster:GatewayPort", "12000")).Read<ClusterSettings>(ClusterSettings.Section));

        Assert.Equal("Configuration error: 'Cluster:SiloPort' must differ from GatewayPort (both are 12000)", error.Message);
    }

    [Fact]
    public void ClusterWithHostNameInsteadOfAddressIsRejected()
    {
        var error = Assert.Throws<GraderConfigurationException>(() =>
            Config([], ("Cluster:AdvertisedAddress", "localhost")).Read<ClusterSettings>(ClusterSettings.Section));

        Assert.Equal("Configuration error: 'Cluster:AdvertisedAddress' must be an IP address, not 'localhost'", error.Message);
    }

    [Fact]
    public void AttributeRulesAreReportedBeforeCrossFieldRules()
    {
        var error = Assert.Throws<GraderConfigurationException>(() =>
            Config([], ("Cluster:SiloPort", "0"), ("Cluster:GatewayPort", "0")).Read<ClusterSettings>(ClusterSettings.Section));

        Assert.Equal("Configuration error: 'Cluster:SiloPort' must be between 1 and 65535, but is 0.", error.Message);
    }

    [Fact]
    public void DefaultClusterSettingsAreValid()
    {
        var settings = Config([]).Read<ClusterSettings>(ClusterSettings.Section);

        Assert.Equal(11111, settings.SiloPort);
        Assert.Equal(30000, settings.GatewayPort);
    }

    [Fact]
    public void MissingRedisConfigurationIsRequired()
    {
        var error = Assert.Throws<GraderConfigurationException>(() => Config([]).Read<RedisSettings>(RedisSettings.Section));

        Assert.Equal("Configuration error: 'Redis:Configuration' is required (environment variable Redis__Configuration).", error.Message);
    }

    [Fact]
    public void FirstProblemIsNullForValidOptions()
    {
        Assert.Null(ConfigurationReader.FirstProblem(new ClusterSettings { SiloName = "s" }, "Cluster"));
    }

    [Fact]
    public void OtherAttributesUseTheirOwnMessage()
    {
        var problem = ConfigurationReader.FirstProblem(new PatternOptions { Code = "abc" }, "Test");

        Assert.Equal("'Test:Code' is invalid: The field Code must match the regular expression '^[0-9]+$'.", problem);
    }

    [Fact]
    public void CrossFieldRuleWithoutMemberNamesNamesTheSection()
    {
        Assert.Equal("section 'Test': always wrong", ConfigurationReader.FirstProblem(new SectionRuleOptions(), "Test"));
    }

    private static IConfiguration Config(Dictionary<string, string?> settings, params (string Key, string Value)[] extra)
    {
        var all = new Dictionary<string, string?>(settings);
        foreach (var (key, value) in extra)
        {
            all[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(all).Build();
    }

    private sealed class PatternOptions
    {
        [RegularExpression("^[0-9]+$")]
        public string Code { get; set; } = "";
    }

    private sealed class SectionRuleOptions : IValidatableObject
    {
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            yield return new ValidationResult("always wrong");
        }
    }
}
