using System.Text;
using Grader.Sandbox;

namespace Grader.UnitTests.Sandbox;

public class SandboxNamesTests
{
    [Fact]
    public void NameHasPrefixHostTagTaskAndAttempt()
    {
        var id = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");

        var names = new SandboxNames("abcdef01", id, 3);

        Assert.Equal("grader_abcdef01_3f2504e04f8911d39a0c0305e82c3301_3", names.Name);
    }

    [Fact]
    public void NameFitsPostgresIdentifierLimitEvenForTheLargestAttempt()
    {
        var names = SandboxNames.For("a-very-long-host-name.example.internal", Guid.NewGuid(), int.MaxValue);

        Assert.True(Encoding.UTF8.GetByteCount(names.Name) <= 63, $"{names.Name} is {names.Name.Length} bytes");
    }

    [Fact]
    public void TagIsEightLowercaseHexCharactersAndStablePerHost()
    {
        var tag = SandboxNames.TagFor("runner-1");

        Assert.Matches("^[0-9a-f]{8}$", tag);
        Assert.Equal(tag, SandboxNames.TagFor("runner-1"));
        Assert.NotEqual(tag, SandboxNames.TagFor("runner-2"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void TryParseRoundTripsTheName(int attempt)
    {
        var names = SandboxNames.For("host", Guid.NewGuid(), attempt);

        Assert.Equal(names, SandboxNames.TryParse(names.Name));
    }

    [Fact]
    public void TryParseAcceptsDockerContainerNamesWithLeadingSlash()
    {
        var names = SandboxNames.For("host", Guid.NewGuid(), 2);

        Assert.Equal(names, SandboxNames.TryParse("/" + names.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("postgres")]
    [InlineData("grader")]
    [InlineData("grader_")]
    [InlineData("other_abcdef01_3f2504e04f8911d39a0c0305e82c3301_1")]
    [InlineData("Grader_abcdef01_3f2504e04f8911d39a0c0305e82c3301_1")]
    [InlineData("grader_abcdef0_3f2504e04f8911d39a0c0305e82c3301_1")]
    [InlineData("grader_abcdef01_not-a-guid_1")]
    [InlineData("grader_abcdef01_3f2504e0-4f89-11d3-9a0c-0305e82c3301_1")]
    [InlineData("grader_abcdef01_3f2504e04f8911d39a0c0305e82c3301")]
    [InlineData("grader_abcdef01_3f2504e04f8911d39a0c0305e82c3301_x")]
    [InlineData("grader_abcdef01_3f2504e04f8911d39a0c0305e82c3301_1_extra")]
    public void TryParseRejectsForeignNames(string name)
    {
        Assert.Null(SandboxNames.TryParse(name));
    }
}
