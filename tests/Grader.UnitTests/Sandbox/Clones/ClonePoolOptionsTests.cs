using Grader.Configuration;
using Grader.Sandbox.Clones;
using Microsoft.Extensions.Configuration;

namespace Grader.UnitTests.Sandbox.Clones;

public class ClonePoolOptionsTests
{
    private static ClonePoolOptions Read(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build()
            .Read<ClonePoolOptions>(ClonePoolOptions.Section);

    [Fact]
    public void DefaultsAreValidAndTheBudgetIsInBytes()
    {
        var options = Read();

        Assert.Equal(new PoolLimits(2, 4, 4096L * 1024 * 1024), options.Limits);
        Assert.Equal(64, options.FileCopyAboveMb);
    }

    [Theory]
    [InlineData("ClonePool:MaxPerAssignment", "-1", "'ClonePool:MaxPerAssignment' must be between 0 and 64, but is -1.")]
    [InlineData("ClonePool:DiskBudgetMb", "-5", "'ClonePool:DiskBudgetMb' must be between 0 and 16777216, but is -5.")]
    [InlineData("ClonePool:RefillInterval", "00:00:00", "'ClonePool:RefillInterval' must be between 00:00:00.1 and 00:05:00, but is 00:00:00.")]
    [InlineData("ClonePool:MaxPerAssignment", "8", "'ClonePool:MaxPerAssignment' (8) must not be larger than ClonePool:MaxTotal (4).")]
    public void ABadSettingStopsTheStartWithItsKey(string key, string value, string expected)
    {
        var error = Assert.Throws<GraderConfigurationException>(() => Read((key, value)));

        Assert.Equal("Configuration error: " + expected, error.Message);
    }
}
