using Grader.Configuration;
using Grader.Web.Auth;
using Microsoft.Extensions.Configuration;

namespace Grader.UnitTests.Auth;

public class AuthOptionsTests
{
    [Fact]
    public void DefaultsAreValid() => Assert.Null(ConfigurationReader.FirstProblem(new AuthOptions(), AuthOptions.Section));

    [Theory]
    [InlineData("MaxFailuresPerAccount", "0", "'Auth:MaxFailuresPerAccount' must be between 1 and 1000, but is 0.")]
    [InlineData("MaxFailuresPerAddress", "2", "'Auth:MaxFailuresPerAddress' must be at least MaxFailuresPerAccount (5): one user's typos must not lock a whole lab")]
    [InlineData("LockoutDuration", "00:00:00", "'Auth:LockoutDuration' must be between 00:00:01 and 1.00:00:00, but is 00:00:00")]
    [InlineData("LdapOperationTimeout", "00:10:00", "'Auth:LdapOperationTimeout' must be between 00:00:01 and 00:02:00, but is 00:10:00")]
    [InlineData("SessionMaxAge", "00:30:00", "'Auth:SessionMaxAge' must be at least SessionIdleTimeout (08:00:00)")]
    public void BadSettingStopsStartWithOneLineNamingIt(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Auth:{key}"] = value }).Build();

        var error = Assert.Throws<GraderConfigurationException>(() => configuration.Read<AuthOptions>(AuthOptions.Section));

        Assert.Equal("Configuration error: " + message, error.Message);
    }
}
